-- doc: docs-src/docs/server/modules/mysql.md (Advanced Methods: dbConnect, dbQuery, dbClose, Examples)
-- expect: OK
-- setup: CREATE TABLE products (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(32))
-- setup: INSERT INTO products (name) VALUES ('a'), ('b')
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local db_conn, err = core.mysql.dbConnect("conf")
  check(db_conn, "dbConnect returns a connection object: " .. tostring(err))
  local result, err = core.mysql.dbQuery(db_conn, "SELECT * FROM `products`;")
  check(result and #result == 2, "dbQuery returns the query result: " .. tostring(err))
  check(core.mysql.dbQuery(db_conn, "INSERT INTO products (name) VALUES ('c')") == 3, "dbQuery of an INSERT gives the id")
  -- the connection is one session: its variables last from query to query
  core.mysql.dbQuery(db_conn, "SET @x = 41")
  check(core.mysql.dbQuery(db_conn, "SELECT @x + 1 AS y")[1].y == 42, "queries share the connection")
  local ok, err = core.mysql.dbClose(db_conn)
  check(ok, "dbClose returns a truthy value: " .. tostring(err))
  local r, err = core.mysql.dbQuery(db_conn, "SELECT 1")
  check(r == nil and err:find("closed"), "a closed connection refuses queries")
  local c2 = core.mysql.dbConnect({database = "conf"})
  check(core.mysql.dbQuery(c2, "SELECT @x AS x")[1].x == nil, "a new connection is a fresh session")
  core.mysql.dbClose(c2)
  local none, err, code = core.mysql.dbConnect("clients")
  check(none == nil and code == 901, "dbConnect to an ungranted database: nil, err, 901")
  return job.OK
end

return job
