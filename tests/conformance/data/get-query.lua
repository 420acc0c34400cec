-- doc: docs-src/docs/server/modules/data.md (get: idOrQuery, a query table)
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local users = core.data("conf")
  users:save({ name = "Tim", age = 34 })
  local ann = users:save({ name = "Ann", age = 28 })
  local obj, err = users:get({ name = "Ann" })
  check(obj and obj._id == ann and obj.age == 28, "get by query: " .. tostring(err))
  return job.OK
end

return job
