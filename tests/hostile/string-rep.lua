-- expect: ERROR memory limit of 32 MiB exceeded
local job = core.job()

function job.run()
  local s = string.rep('x', 1024 * 1024 * 1024)
  return job.OK
end

return job
