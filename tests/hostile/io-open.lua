-- expect: ERROR attempt to index a non-table object(nil) with key 'open'
local job = core.job()

function job.run()
  io.open('/etc/passwd')
  return job.OK
end

return job
