-- expect: ERROR core.data is not available
local job = core.job()

function job.run()
  local other = core.data('someone-elses')
  other:get('secret')
  return job.OK
end

return job
