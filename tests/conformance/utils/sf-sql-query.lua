-- doc: docs-src/docs/server/modules/api.md (queryUser: core.sf builds the SQL)
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local q = core.sf("SELECT * FROM users WHERE id=%d;", 20)
  check(q == "SELECT * FROM users WHERE id=20;", "core.sf gave " .. tostring(q))
  return job.OK
end

return job
