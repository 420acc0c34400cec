-- doc: docs-src/docs/server/modules/utils.md (sf notes: %d with any other type errors)
-- expect: ERROR number expected, got string
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  core.sf("%d items", "Dave")
  return job.OK
end

return job
