-- doc: docs-src/docs/server/modules/mysql.md (Query String: Insert Example)
-- expect: OK
-- setup: CREATE TABLE users (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(32), age INT, email VARCHAR(64))
-- sql: SELECT CONCAT(name, '|', age, '|', email) FROM users WHERE id = 1 => Jimmy|22|me@somemail.com
-- log: inserted id is:
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local sf = core.sf or string.format
  local columns = "name, age, email"
  local values = {"Jimmy", 22, "me@somemail.com"}

  --escape string values
  values = core.mysql.escapeAll(values)

  local query = sf("INSERT INTO users (%s) VALUES (%s, %d, %s);",
    columns,
    unpack(values)
  )

  local result, err = core.mysql.query("conf", query)

  if not result then
    core.log(err)
  end
  check(result == 1, "an INSERT query returns the insertion id: " .. tostring(err))
  core.log("inserted id is: ", result)
  return job.OK
end

return job
