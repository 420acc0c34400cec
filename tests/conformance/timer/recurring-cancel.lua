-- doc: docs-src/docs/server/modules/timer.md (recurring timer cancelled with timer_obj:cancel() after max_runs)
-- expect: OK
-- log: This is callback #5
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local t, err
  local cnt = 1
  local max_runs = 5
  local function timer_cb()
    core.log("This is callback #" .. cnt)
    cnt = cnt + 1
    if cnt > max_runs then
      t:cancel() --cancel the timer
    end
  end
  t, err = core.timer(0.05, timer_cb, true) -- the docs repeat every 5 seconds
  check(t ~= nil and err == nil, "core.timer gave " .. tostring(err))
  return job.OK
end

return job
