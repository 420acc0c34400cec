local job = core.job()

function job.run()

  if job.day() == "Sun" then
    local res, err, code = core.mysql.update("shop", {
      tbl = "status",
      values = { no_specials = true },
      where = { no_specials = false }
    })
  end

  return job.SLEEP
end

return job
