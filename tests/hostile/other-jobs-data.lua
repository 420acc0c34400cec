-- expect: ERROR is not granted to job other-jobs-data
local job = core.job()

function job.run()
  local other = core.data('someone-elses')
  other:get('secret')
  return job.OK
end

return job
