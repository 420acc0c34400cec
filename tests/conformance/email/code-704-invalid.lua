-- doc: docs-src/docs/server/modules/email.md (to: an invalid address; client/codes.md 704)
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local msg = core.email.new()
  msg:to("not an address")
  msg:from("jobs@example.com")
  local resp, err, code = msg:send()
  check(resp == nil and code == 704, "code " .. tostring(code) .. ": " .. tostring(err))
  return job.OK
end

return job
