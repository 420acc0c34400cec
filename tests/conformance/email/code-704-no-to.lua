-- doc: docs-src/docs/server/modules/email.md (to: This is a required value; client/codes.md 704)
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local msg = core.email.new()
  msg:from("jobs@example.com")
  local resp, err, code = msg:send()
  check(resp == nil and type(err) == "string", "a message without to is not sent")
  check(code == 704, "code " .. tostring(code))
  return job.OK
end

return job
