-- expect: ERROR time limit of 1s exceeded
local job = core.job()

function job.run()
  while true do end
  return job.OK
end

return job
