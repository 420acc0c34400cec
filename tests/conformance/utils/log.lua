-- doc: docs-src/docs/server/modules/utils.md (log: core.log('something to log'))
-- expect: OK
-- log: something to log
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  core.log('something to log')
  return job.OK
end

return job
