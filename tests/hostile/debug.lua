-- expect: ERROR attempt to index a non-table object(nil) with key 'getregistry'
local job = core.job()

function job.run()
  debug.getregistry()
  return job.OK
end

return job
