-- expect: ERROR limit of
local job = core.job()

function job.run()
  local cs = {}
  for i = 1, 1e9 do cs[i] = coroutine.create(function() coroutine.yield() end); coroutine.resume(cs[i]) end
  return job.OK
end

return job
