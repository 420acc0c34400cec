-- doc: docs-src/docs/server/modules/mysql.md (Utilities: timestamp, localTimestamp, parseTimestamp, date, localDate; the run's clock is 2009-02-13 23:31:30 UTC and the configured zone UTC)
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local m = core.mysql
  check(m.timestamp() == "2009-02-13 23:31:30", "timestamp() is the current UTC timestamp: " .. m.timestamp())
  check(m.timestamp(0) == "1970-01-01 00:00:00", "timestamp(seconds) is UTC")
  check(m.date() == "2009-02-13", "date() is the current UTC date")
  check(m.date(86400) == "1970-01-02", "date(seconds) is UTC")
  check(m.localTimestamp() == "2009-02-13 23:31:30", "localTimestamp() in the configured zone (UTC here)")
  check(m.localTimestamp(0) == "1970-01-01 00:00:00", "localTimestamp(seconds)")
  check(m.localDate() == "2009-02-13" and m.localDate(0) == "1970-01-01", "localDate")
  check(m.parseTimestamp("2009-02-13 23:31:30") == 1234567890, "parseTimestamp gives Unix time")
  check(m.parseTimestamp(m.timestamp(42)) == 42, "parseTimestamp undoes timestamp")
  return job.OK
end

return job
