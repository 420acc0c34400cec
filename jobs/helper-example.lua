local job = core.job()

function job.run()

  if job.day() == "Fri" then
    core.log("Do some Friday work")
  end

  return job.SLEEP

end

return job
