-- expect: ERROR
local job = core.job()

function job.run()
  assert(load('\27Lua\81\0\1\4\8\4\8\0'))()
  return job.OK
end

return job
