-- doc: docs-src/docs/server/modules/pages/api.md (core.pages.new)
-- expect: ERROR core.pages is not available in jobbox
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local page = core.pages.new()
  return job.OK
end

return job
