-- expect: ERROR log limit of 100 lines per run exceeded
local job = core.job()

function job.run()
  while true do core.log('flood') end
  return job.OK
end

return job
