-- doc: docs-src/docs/server/modules/data.md (getPage: <source>:getPage(page, perPage, sort, query))
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local users = core.data("conf")
  for i = 1, 6 do users:save({ n = i, even = (i % 2 == 0) }) end
  local objects = users:getPage(1, 2, core.DESC, { even = true })
  check(#objects == 2 and objects[1].n == 6 and objects[2].n == 4, "newest even first")
  local asc = users:getPage(2, 2, core.ASC)
  check(#asc == 2 and asc[1].n == 3, "page 2 ascending")
  return job.OK
end

return job
