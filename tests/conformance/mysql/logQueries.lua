-- doc: docs-src/docs/server/modules/mysql.md (Utilities: logQueries, Example; the example writes "where { id = 20 }", a call of a global where, so this case writes "where = { id = 20 }")
-- expect: OK
-- setup: CREATE TABLE toys (id INT PRIMARY KEY)
-- log: SELECT * FROM `toys` WHERE `id` = ? -- 20
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  core.mysql.logQueries() --start logging queries

  local res, err, code = core.mysql.select("conf", {
    tbl = "toys",
    where = { id = 20 }
  })
  check(res, "select: " .. tostring(err))

  core.mysql.logQueries(false) --stop logging queries
  core.mysql.select("conf", {tbl = "toys", where = {id = 21}})
  return job.OK
end

return job
