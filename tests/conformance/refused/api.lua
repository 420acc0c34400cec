-- doc: docs-src/docs/server/modules/api.md (core.api: local api = core.api())
-- expect: ERROR core.api is not available in jobbox
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local api = core.api()
  return job.OK
end

return job
