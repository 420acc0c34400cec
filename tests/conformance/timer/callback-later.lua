-- doc: docs-src/docs/server/modules/timer.md (a timer callback logs; the call returns immediately)
-- expect: OK
-- log: I'm late to the party!
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local fired = false
  local function timer_cb()
    fired = true
    core.log("I'm late to the party!")
  end
  local t, err = core.timer(0.1, timer_cb) -- the docs wait 5 seconds
  check(t ~= nil and err == nil, "core.timer gave " .. tostring(t) .. ", " .. tostring(err))
  check(not fired, "the callback ran before core.timer returned")
  return job.OK
end

return job
