-- expect: ERROR host call limit of 1000 per run exceeded
local job = core.job()

-- As many recurring timers as OpenResty allows, each firing every
-- millisecond and never cancelled. Setting and firing a timer read the
-- host's clock, so the flood ends at the run's host-call limit (under a
-- larger one, at its time limit).
function job.run()
  for i = 1, 1024 do
    assert(core.timer(0.001, function() end, true))
  end
  local t, err = core.timer(0.001, function() end, true)
  assert(t == nil and err:find("too many pending timers"), "the 1025th timer must be refused")
  return job.OK
end

return job
