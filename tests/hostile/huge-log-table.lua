-- expect: ERROR
local job = core.job()

function job.run()
  local t = {}
  t[1] = t
  core.log(t)
  return job.OK
end

return job
