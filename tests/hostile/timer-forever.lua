-- expect: ERROR time limit of 1s exceeded
local job = core.job()

-- A recurring timer never cancelled keeps the run going after job.run
-- returns, until the time limit ends it.
function job.run()
  core.timer(0.2, function() end, true)
  return job.OK
end

return job
