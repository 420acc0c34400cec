-- doc: docs-src/docs/server/modules/email.md (Overriding Defaults: core.email.new(key, domain[, region]) (the relay is the operator's))
-- expect: OK
-- smtp: Subject: overrides ignored
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local msg = core.email.new("key-123", "mg.example.com", "EU")
  msg:to("user@example.com")
  msg:from("jobs@example.com")
  msg:subject("overrides ignored")
  local resp, err = msg:send()
  check(resp, "send failed: " .. tostring(err))
  return job.OK
end

return job
