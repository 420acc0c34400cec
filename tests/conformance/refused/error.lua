-- doc: docs-src/docs/server/modules/api.md (core.error: return core.error(message, code))
-- expect: ERROR core.error is not available in jobbox
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local e = core.error("The name parameter is missing!", 110)
  return job.OK
end

return job
