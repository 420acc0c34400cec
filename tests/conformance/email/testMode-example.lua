-- doc: docs-src/docs/server/modules/email.md (testMode: Example (checked and counted, not delivered))
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local msg = core.email.new()
  msg:to("user@example.com")
  msg:from("jobs@example.com")
  msg:testMode(true)
  local resp, err = msg:send()
  check(resp == true, "a test-mode send succeeds: " .. tostring(err))
  return job.OK
end

return job
