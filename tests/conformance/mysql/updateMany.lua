-- doc: docs-src/docs/server/modules/mysql.md (updateMany, Example)
-- expect: OK
-- setup: CREATE TABLE shoes (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(32), cost DECIMAL(6,2))
-- setup: INSERT INTO shoes (name, cost) VALUES ('Adidas', 5), ('Adidas', 6), ('Puma', 7)
-- sql: SELECT GROUP_CONCAT(CONCAT(name, ':', cost) ORDER BY id) FROM shoes => Nike:5.00,Nike:6.00,Puma:1.99
-- log: updated 2 records for entry #1
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local update_arr = {
    {
      values = {
        name = "Nike"
      },
      where = { name="Adidas" }
    },
    {
      values = {
        cost = "1.99"
      },
      where = { id = 3 }
    },
    {
      values = {
        nope = 1
      },
      where = { id = 1 }
    }
  }

  local result, err = core.mysql.updateMany("conf", {
    tbl = "shoes",
    update = update_arr
  })

  if not result then
    core.log(err)
  else
    for i=1, #result do
      local entry = result[i]

      if entry.error then
        core.log("error in update entry #"..i..": "..entry.error)
      else
        core.log("updated "..entry.updated.." records for entry #"..i)
      end
    end
  end
  check(result and result[1].updated == 2 and result[2].updated == 1, "{updated=} per entry")
  check(result[3].error:find("nope"), "{error=} for the failed entry")
  return job.OK
end

return job
