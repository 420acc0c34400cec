-- expect: ERROR attempt to index a non-table object(nil) with key 'loadlib'
local job = core.job()

function job.run()
  package.loadlib('libc.so.6', 'system')
  return job.OK
end

return job
