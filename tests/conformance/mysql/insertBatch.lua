-- doc: docs-src/docs/server/modules/mysql.md (insertBatch, Example)
-- expect: OK
-- setup: CREATE TABLE shoes (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(32), size INT)
-- setup: CREATE TABLE toys (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(32), age_group INT, color VARCHAR(16))
-- sql: SELECT COUNT(*) FROM toys => 2
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local batch_insert = {
    {
      tbl = "shoes",
      values = {
        name = "Adidas",
        size = 12
      }
    },
    {
      tbl = "toys",
      values = {
        name = "Car",
        age_group = 10
      }
    },
    {
      tbl = "toys",
      values = {
        name = "Bear",
        age_group = 5,
        color = "Brown"
      }
    },
    {
      tbl = "toys",
      values = {
        wheels = 4
      }
    }
  }

  local result, err = core.mysql.insertBatch("conf", batch_insert)
  check(result and #result == 4, "one result per entry: " .. tostring(err))
  check(result[1].id == 1 and result[2].id == 1 and result[3].id == 2, "{id=} per inserted record")
  check(result[4].error:find("wheels"), "{error=} for the failed entry")
  return job.OK
end

return job
