-- doc: docs-src/docs/server/modules/utils.md (sf: the Hello, Dave! example)
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local username = "Dave"
  local formatted_str = core.sf("Hello, %s!", username)
  check(formatted_str == "Hello, Dave!", "core.sf gave " .. tostring(formatted_str))
  return job.OK
end

return job
