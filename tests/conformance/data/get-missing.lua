-- doc: docs-src/docs/server/modules/data.md (get: a missing id gives nil and an error)
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local users = core.data("conf")
  local obj, err = users:get("id1234")
  check(obj == nil and type(err) == "string", "get of a missing id")
  return job.OK
end

return job
