-- expect: ERROR attempt to call a non-function object
local job = core.job()

function job.run()
  dofile('/etc/passwd')
  return job.OK
end

return job
