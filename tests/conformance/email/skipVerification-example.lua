-- doc: docs-src/docs/server/modules/email.md (skipVerification: Example (not allowed by this config: the certificate is verified, and is valid))
-- expect: OK
-- smtp: Subject: verified anyway
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local msg = core.email.new()
  msg:to("user@example.com")
  msg:from("jobs@example.com")
  msg:subject("verified anyway")
  msg:skipVerification(true)
  local resp, err = msg:send()
  check(resp, "send failed: " .. tostring(err))
  return job.OK
end

return job
