-- doc: docs-src/docs/server/modules/mysql.md (Remote Databases, Example; jobbox reaches only the [databases] entries config.toml grants, so a server of the job's own answers 901)
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local conn_tbl = {
    database = "clients",
    user = "dbuser",
    password = "1234",
    host = "my.sql.host"
  }

  local results, err, code = core.mysql.query(conn_tbl, "SELECT 1")
  check(results == nil and code == 901 and err:find("Unauthorized database"), "nil, err, 901: " .. tostring(err))
  results, err, code = core.mysql.query({database = "conf", host = "my.sql.host"}, "SELECT 1")
  check(results == nil and code == 901, "the granted database on another host is not it")
  results, err, code = core.mysql.query({database = "conf", user = "root"}, "SELECT 1")
  check(results == nil and code == 901, "nor with another account")
  return job.OK
end

return job
