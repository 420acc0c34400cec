-- expect: ERROR log limit of 65536 bytes per run exceeded
local job = core.job()

function job.run()
  core.log(string.rep('x', 70000))
  return job.OK
end

return job
