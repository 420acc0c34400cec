-- doc: docs-src/docs/server/modules/timer.md (timers run in their own context, beside the code that set them)
-- expect: OK
-- log: order timer,awake
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local order = {}
  core.timer(0.05, function() order[#order + 1] = "timer" end)
  core.sleep(0.3)
  order[#order + 1] = "awake"
  core.log("order " .. table.concat(order, ","))
  check(order[1] == "timer", "the timer did not fire during core.sleep")
  return job.OK
end

return job
