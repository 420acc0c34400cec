-- expect: ERROR attempt to call a non-function object
local job = core.job()

function job.run()
  require('os')
  return job.OK
end

return job
