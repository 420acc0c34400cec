-- doc: docs-src/docs/server/modules/users/api.md (core.NULL removes extra keys)
-- expect: ERROR core.NULL is not available in jobbox
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local extra = {color = core.NULL}
  return job.OK
end

return job
