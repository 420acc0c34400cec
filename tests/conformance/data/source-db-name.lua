-- doc: docs-src/docs/server/modules/data.md (core.data(source_name[, db_name]): the default database _app)
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local users = core.data("conf", "_app")
  local id, err = users:save({ name = "Tim" })
  check(id, "save failed: " .. tostring(err))
  local same = core.data("conf")
  local obj = same:get(id)
  check(obj and obj.name == "Tim", "_app is the default database")
  return job.OK
end

return job
