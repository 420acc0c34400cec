-- doc: docs-src/docs/server/modules/email.md (to; jobbox: only the recipient domains granted to the job)
-- expect: ERROR recipient user@elsewhere.org is not granted to job conformance
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local msg = core.email.new()
  msg:to("user@elsewhere.org")
  msg:from("jobs@example.com")
  msg:send()
  return job.OK
end

return job
