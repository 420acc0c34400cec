-- doc: docs-src/docs/server/modules/jobs/api.md (Helpers: job.minute, hour, day, dayNum, dayMonth, weekNum, month, monthNum)
-- expect: OK
-- log: Friday 23:31
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  -- 2009-02-13 23:31:30 UTC, a Friday in the seventh week (strftime %W: 06).
  check(job.minute() == 31, "job.minute() is " .. tostring(job.minute()))
  check(job.hour() == 23, "job.hour() is " .. tostring(job.hour()))
  check(job.day() == "Fri", "job.day() is " .. tostring(job.day()))
  check(job.dayNum() == 5, "job.dayNum() is " .. tostring(job.dayNum()))
  check(job.dayMonth() == 13, "job.dayMonth() is " .. tostring(job.dayMonth()))
  check(job.weekNum() == 6, "job.weekNum() is " .. tostring(job.weekNum()))
  check(job.month() == "Feb", "job.month() is " .. tostring(job.month()))
  check(job.monthNum() == 2, "job.monthNum() is " .. tostring(job.monthNum()))
  -- The configured zone is UTC, so local time is the same.
  check(job.hour(true) == 23, "job.hour(true) is " .. tostring(job.hour(true)))
  core.log("Friday " .. job.hour() .. ":" .. job.minute())
  return job.OK
end

return job
