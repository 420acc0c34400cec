local job = core.job()

function job.run()
  
  local res, err, code = core.mysql.selectOne("products", {
    tbl = "toys",
    where = { type = "blender" }
  })

  if not res then
    core.log(err)
    return job.EXIT
  else
    return job.OK
  end

end

return job
