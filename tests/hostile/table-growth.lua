-- expect: ERROR memory limit of 32 MiB exceeded
local job = core.job()

function job.run()
  local t = {}
  for i = 1, 1e9 do t[i] = { i, string.rep('x', 4 * 1024 * 1024) .. i } end
  return job.OK
end

return job
