-- doc: docs-src/docs/server/modules/users/api.md (core.users.get)
-- expect: ERROR core.users is not available in jobbox
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local user, err, code = core.users.get("aad3eba3-9c9c-9a1b-f236de1e3752")
  return job.OK
end

return job
