-- doc: docs-src/docs/server/modules/data.md (get: Example (a string id))
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local users = core.data("conf")
  local id = users:save({ name = "Tim" })
  local obj, err = users:get(id)
  check(obj, "get failed: " .. tostring(err))
  check(obj._id == id, "the object carries its _id")
  check(obj.name == "Tim", "name " .. tostring(obj.name))
  return job.OK
end

return job
