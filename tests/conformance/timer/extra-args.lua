-- doc: docs-src/docs/server/modules/timer.md (passing parameters the callback uses on expiry)
-- expect: OK
-- log: Dave was here 5 seconds ago!
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local input = {name = "Dave"}
  local function timer_cb(name)
    core.log(name .. " was here 5 seconds ago!")
  end
  local t, err = core.timer(0.1, timer_cb, false, input.name)
  check(t ~= nil and err == nil, "core.timer gave " .. tostring(err))
  return job.OK
end

return job
