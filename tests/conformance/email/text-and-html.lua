-- doc: docs-src/docs/server/modules/email.md (text and html: both versions of the body)
-- expect: OK
-- smtp: multipart/alternative
-- smtp: Content-Type: text/plain; charset=utf-8
-- smtp: Content-Type: text/html; charset=utf-8
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local msg = core.email.new()
  msg:to("user@example.com")
  msg:from("jobs@example.com")
  msg:text("Here is your plain information.")
  msg:html("Here is your <b>bold</b> information.")
  local resp, err = msg:send()
  check(resp, "send failed: " .. tostring(err))
  return job.OK
end

return job
