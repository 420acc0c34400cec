-- doc: docs-src/docs/server/modules/data.md (getPage: sort, a sorting table)
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local users = core.data("conf")
  for _, name in ipairs({ "Cy", "Al", "Bo" }) do users:save({ name = name }) end
  local objects = users:getPage(1, 10, { name = core.ASC })
  check(objects[1].name == "Al" and objects[2].name == "Bo" and objects[3].name == "Cy", "by name")
  local desc = users:getPage(1, 10, { name = core.DESC })
  check(desc[1].name == "Cy", "by name descending")
  return job.OK
end

return job
