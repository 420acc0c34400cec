-- doc: docs-src/docs/server/modules/mysql.md (no such method: a misspelt name is an error naming it, not a query on a database named by its first argument)
-- expect: ERROR core.mysql.selectAll is not available in jobbox
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  core.mysql.selectAll("conf", {tbl = "x"})
  return job.OK
end

return job
