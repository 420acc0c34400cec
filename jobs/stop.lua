local job = core.job()

function job.run()

  local res, err, code = core.mysql.selectOne("shop", {
    tbl = "status",
    columns = { sales_total },
    where = { month = "Jan" }
  })

  if job.month() == "Jan" then
    local msg = core.email.new()
    msg:to("boss@work.com")
    msg:from("job@work.com")
    msg:subject("January Daily")
    msg:body("Sales today were: $"..res.sales_total)
    msg:send()

    return job.SLEEP
  else
    return job.STOP
  end
end

return job
