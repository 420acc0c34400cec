-- doc: docs-src/docs/server/modules/data.md (save: Create a new, or update an existing, data object)
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local users = core.data("conf")
  local id = users:save({ name = "Tim", age = 34 })
  local obj = users:get(id)
  obj.age = 35
  local again, err = users:save(obj)
  check(again == id, "saving an object with _id updates it, got " .. tostring(again) .. " " .. tostring(err))
  check(users:get(id).age == 35, "the update was not saved")
  check(#users:getPage(1) == 1, "saving again made a second object")
  return job.OK
end

return job
