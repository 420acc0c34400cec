-- doc: docs-src/docs/server/modules/mysql.md (deleteMany, Example)
-- expect: OK
-- setup: CREATE TABLE shoes (id INT PRIMARY KEY, color VARCHAR(16))
-- setup: INSERT INTO shoes VALUES (1, 'Red'), (2, 'Red'), (3, 'Blue'), (34, 'Blue')
-- sql: SELECT COUNT(*) FROM shoes => 1
-- log: deleted 2 records for entry #2
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local delete_arr = {
    {
      where = { id = 34 }
    },
    {
      where = { color= "Red" }
    },
    {
    }
  }

  local result, err = core.mysql.deleteMany("conf", {
    tbl = "shoes",
    delete = delete_arr
  })

  if not result then
    core.log(err)
  else
    for i=1, #result do
      local entry = result[i]

      if entry.error then
        core.log("error in delete entry #"..i..": "..entry.error)
      else
        core.log("deleted "..entry.deleted.." records for entry #"..i)
      end
    end
  end
  check(result and result[1].deleted == 1 and result[2].deleted == 2, "{deleted=} per entry: " .. tostring(err))
  check(result[3].error:find("force"), "an entry without where is refused, in its place")
  return job.OK
end

return job
