-- doc: docs-src/docs/server/modules/mysql.md (insertMany, Example)
-- expect: OK
-- setup: CREATE TABLE toys (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(32) UNIQUE, color VARCHAR(16))
-- sql: SELECT GROUP_CONCAT(name ORDER BY id) FROM toys => Car,Teddy Bear
-- log: inserted record with id: 2 for entry #2
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local records_arr = {
    {
      name = "Car",
      color = "red"
    },
    {
      name = "Teddy Bear",
      color = "brown"
    },
    {
      name = "Car",
      color = "blue"
    }
  }

  local result, err = core.mysql.insertMany("conf", {
    tbl = "toys",
    records = records_arr
  })

  if not result then
    core.log(err)
  else
    for i=1, #result do
      local entry = result[i]

      if entry.error then
        core.log("error in insert entry #"..i..": "..entry.error)
      else
        core.log("inserted record with id: "..entry.id.." for entry #"..i)
      end
    end
  end
  check(result and #result == 3, "one result per record: " .. tostring(err))
  check(result[1].id == 1 and result[2].id == 2, "{id=} for the inserted records")
  check(result[3].id == nil and result[3].error:find("Duplicate"), "{error=} for the failed record, in its place")
  return job.OK
end

return job
