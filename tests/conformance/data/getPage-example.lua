-- doc: docs-src/docs/server/modules/data.md (getPage: Example, getPage({}, 1, 10))
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local users = core.data("conf")
  for i = 1, 12 do users:save({ n = i }) end
  local objects = users:getPage({}, 1, 10)
  check(#objects == 10, "page 1 holds " .. #objects)
  check(objects[1].n == 1 and objects[10].n == 10, "in creation order")
  check(type(objects[1]._id) == "string", "objects carry their _id")
  local rest = users:getPage({}, 2, 10)
  check(#rest == 2 and rest[1].n == 11, "page 2")
  return job.OK
end

return job
