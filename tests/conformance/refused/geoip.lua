-- doc: docs-src/docs/server/modules/geoip.md (countryCode: core.geoip.countryCode())
-- expect: ERROR core.geoip is not available in jobbox
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local country_code = core.geoip.countryCode()
  return job.OK
end

return job
