-- doc: docs-src/docs/server/modules/data.md (core.data; jobbox: only the collections granted to the job)
-- expect: ERROR is not granted to job conformance
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  core.data("users")
  return job.OK
end

return job
