-- doc: docs-src/docs/server/modules/mysql.md (deleteBatch, Example)
-- expect: OK
-- setup: CREATE TABLE toys (id INT PRIMARY KEY)
-- setup: INSERT INTO toys VALUES (1), (2)
-- setup: CREATE TABLE shoes (id INT PRIMARY KEY, kind VARCHAR(16))
-- setup: INSERT INTO shoes VALUES (1, 'running'), (2, 'running'), (3, 'hiking')
-- sql: SELECT COUNT(*) FROM shoes => 1
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local batch_delete = {
    {
      tbl = "toys",
      where = { id = 2 }
    },
    {
      tbl = "shoes",
      where = { kind = "running" }
    }
  }

  local result, err = core.mysql.deleteBatch("conf", batch_delete)
  check(result and result[1].deleted == 1 and result[2].deleted == 2, "{deleted=} per entry: " .. tostring(err))
  return job.OK
end

return job
