-- doc: docs-src/docs/server/modules/utils.md (uuid example)
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local uuid = core.uuid()
  check(uuid:match("^%x%x%x%x%x%x%x%x%-%x%x%x%x%-%x%x%x%x%-%x%x%x%x%-%x%x%x%x%x%x%x%x%x%x%x%x$"), "not a uuid: " .. uuid)
  check(core.uuid() ~= uuid, "two calls gave the same id")
  return job.OK
end

return job
