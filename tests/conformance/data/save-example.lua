-- doc: docs-src/docs/server/modules/data.md (save: Example)
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local users = core.data("conf")
  local obj = { name = "Tim", age = 34 }
  local id, err = users:save(obj)
  check(type(id) == "string" and #id > 0, "save returns the new object's id: " .. tostring(err))
  return job.OK
end

return job
