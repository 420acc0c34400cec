-- doc: docs-src/docs/server/modules/utils.md (countryCode: only in a core.api method)
-- expect: ERROR core.countryCode is not available in jobbox
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local code = core.countryCode()
  return job.OK
end

return job
