-- doc: docs-src/docs/server/modules/data.md (core.data(source_name[, db_name]): another database, granted as "db.source")
-- expect: OK
-- grants: { data = ["stats.conf"] }
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local users = core.data("conf", "stats")
  local id, err = users:save({ name = "Ann" })
  check(id, "save failed: " .. tostring(err))
  check(users:get(id).name == "Ann", "get from the other database")
  return job.OK
end

return job
