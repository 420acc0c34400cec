-- expect: ERROR a host call passed
local job = core.job()

function job.run()
  core.mysql.select("db", string.rep("x", 2 * 1024 * 1024))
  return job.OK
end

return job
