-- doc: docs-src/docs/server/modules/network.md (get; jobbox: only the origins granted to the job)
-- expect: ERROR is not granted to job conformance
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  core.network.get("https://example.com/")
  return job.OK
end

return job
