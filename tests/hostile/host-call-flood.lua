-- expect: ERROR host call limit of 1000 per run exceeded
local job = core.job()

function job.run()
  while true do job.minute() end
  return job.OK
end

return job
