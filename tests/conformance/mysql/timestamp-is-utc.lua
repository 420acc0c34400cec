-- doc: docs-src/docs/server/modules/mysql.md (Utilities: timestamp "MySQL compatible UTC based timestamp", with the run's clock given at +02:00)
-- expect: OK
-- at: 2009-02-13T23:31:30+02:00
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  -- The clock is 23:31:30 at +02:00, so 21:31:30 UTC.
  local m = core.mysql
  check(m.localTimestamp(0) == m.timestamp(0), "with timezone = UTC the local helpers are UTC")
  check(m.timestamp() == "2009-02-13 21:31:30", "timestamp() is UTC: " .. m.timestamp())
  return job.OK
end

return job
