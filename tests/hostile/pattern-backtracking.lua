-- expect: ERROR time limit of 1s exceeded
local job = core.job()

function job.run()
  local s = string.rep('a', 100000)
  string.find(s, '.-.-.-.-.-.-.-.-b')
  return job.OK
end

return job
