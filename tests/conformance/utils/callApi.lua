-- doc: docs-src/docs/server/modules/utils.md (callApi example)
-- expect: ERROR core.callApi is not available in jobbox
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local result, err = core.callApi("default", "test", {greet = "Hello!"})
  return job.OK
end

return job
