-- doc: docs-src/docs/server/modules/mysql.md (Query String: Result Values, UPDATE and DELETE)
-- expect: OK
-- setup: CREATE TABLE toys (id INT AUTO_INCREMENT PRIMARY KEY, color VARCHAR(16))
-- setup: INSERT INTO toys (color) VALUES ('red'), ('red'), ('blue')
-- sql: SELECT COUNT(*) FROM toys => 1
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local n, err = core.mysql.query("conf", "UPDATE toys SET color = 'green' WHERE color = 'red'")
  check(n == 2, "UPDATE returns the number of updated rows: " .. tostring(err))
  n, err = core.mysql.query("conf", "DELETE FROM toys WHERE color = 'green'")
  check(n == 2, "DELETE returns the number of deleted rows: " .. tostring(err))
  local res, err, code = core.mysql.query("conf", "SELECT nope FROM toys")
  check(res == nil and type(err) == "string" and code == 1054, "a failed query returns nil, err, code")
  return job.OK
end

return job
