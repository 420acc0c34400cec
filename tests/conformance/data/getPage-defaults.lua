-- doc: docs-src/docs/server/modules/data.md (getPage: perPage defaults to 20, sort to core.ASC, query to all)
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local users = core.data("conf")
  for i = 1, 25 do users:save({ n = i }) end
  local objects = users:getPage(1)
  check(#objects == 20 and objects[1].n == 1, "page 1 of 20")
  return job.OK
end

return job
