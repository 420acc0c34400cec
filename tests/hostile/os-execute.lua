-- expect: ERROR attempt to call a non-function object
local job = core.job()

function job.run()
  os.execute('id')
  return job.OK
end

return job
