-- doc: docs-src/docs/server/modules/mysql.md (MySQL NULL Type, Example)
-- expect: OK
-- setup: CREATE TABLE toys (id INT PRIMARY KEY, color VARCHAR(16) NULL)
-- setup: INSERT INTO toys VALUES (1, 'red'), (2, 'blue')
-- sql: SELECT color FROM toys WHERE id = 1 => NULL
-- sql: SELECT color FROM toys WHERE id = 2 => blue
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local res, err, code = core.mysql.update("conf", {
    tbl = "toys",
    values = {
      color = 'NULL'
    },
    where = { color = "red" }
  })
  check(res == 1, "update: " .. tostring(err))
  return job.OK
end

return job
