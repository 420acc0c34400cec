-- doc: docs-src/docs/server/modules/email.md (bcc: Multiple addresses (envelope only, no Bcc header))
-- expect: OK
-- smtp: hidden1@example.com
-- smtp: hidden2@example.com
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local msg = core.email.new()
  msg:to("user@example.com")
  msg:bcc("hidden1@example.com", "Jim <hidden2@example.com>")
  msg:from("jobs@example.com")
  local resp, err = msg:send()
  check(resp, "send failed: " .. tostring(err))
  return job.OK
end

return job
