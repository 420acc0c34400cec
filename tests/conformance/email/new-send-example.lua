-- doc: docs-src/docs/server/modules/email.md (new, to, from, subject, text, send: Examples)
-- expect: OK
-- smtp: Subject: A Super Email
-- smtp: Here is your plain information.
-- smtp: To: <user@example.com>
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local msg = core.email.new()
  msg:to("user@example.com")
  msg:from("jobs@example.com")
  msg:subject("A Super Email")
  msg:text("Here is your plain information.")
  local resp, err = msg:send()
  check(resp, "send failed: " .. tostring(err))
  return job.OK
end

return job
