local job = core.job()

function job.run()
  --== Place your job code here

  return job.OK
end

return job
