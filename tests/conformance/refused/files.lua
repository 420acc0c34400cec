-- doc: docs-src/docs/server/modules/files.md (list: core.files.list("imgs"))
-- expect: ERROR core.files is not available in jobbox
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local list, err = core.files.list("imgs")
  return job.OK
end

return job
