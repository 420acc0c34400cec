-- doc: docs-src/docs/server/modules/email.md (from: Example)
-- expect: OK
-- smtp: From: <jobs@example.com>
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local msg = core.email.new()
  msg:to("user@example.com")
  msg:from("jobs@example.com")
  local resp, err = msg:send()
  check(resp, "send failed: " .. tostring(err))
  return job.OK
end

return job
