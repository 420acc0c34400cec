-- doc: docs-src/docs/server/modules/mysql.md (MySQL Timeout, Example; also for the EZ Query methods)
-- expect: OK
-- setup: CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY)
-- setup: INSERT INTO orders VALUES (), (), ()
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local sf = core.sf or string.format
  local query = sf("SELECT * FROM `orders` LIMIT %d", 100)

  local conn_tbl = {
    database = "conf",
    timeout = 10000 --10 secs
  }

  local result, err = core.mysql.query(conn_tbl, query)
  check(result and #result == 3, "query with a connection table: " .. tostring(err))
  check(core.mysql.selectCount(conn_tbl, {tbl = "orders"}) == 3, "EZ Query methods take it too")
  -- a short timeout ends a long query with nil, err
  local r, err = core.mysql.query({database = "conf", timeout = 200}, "SELECT SLEEP(5)")
  check(r == nil and err:find("timeout"), "timeout in milliseconds bounds the call: " .. tostring(err))
  return job.OK
end

return job
