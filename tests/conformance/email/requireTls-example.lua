-- doc: docs-src/docs/server/modules/email.md (requireTls: Example (the relay offers STARTTLS, so the message goes))
-- expect: OK
-- smtp: Subject: over TLS
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local msg = core.email.new()
  msg:to("user@example.com")
  msg:from("jobs@example.com")
  msg:subject("over TLS")
  msg:requireTls(true)
  local resp, err = msg:send()
  check(resp, "send failed: " .. tostring(err))
  return job.OK
end

return job
