-- doc: docs-src/docs/server/modules/data.md (delete: Example (a data object with _id))
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local users = core.data("conf")
  local obj = users:get(users:save({ name = "Tim" }))
  local success, err = users:delete(obj)
  check(success == true, "delete(obj): " .. tostring(err))
  check(users:get(obj._id) == nil, "the object is gone")
  return job.OK
end

return job
