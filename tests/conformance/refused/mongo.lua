-- doc: docs-src/docs/server/modules/mongo.md (core.mongo: local db, err = core.mongo("app"))
-- expect: ERROR core.mongo is not available in jobbox
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local db, err = core.mongo("app")
  return job.OK
end

return job
