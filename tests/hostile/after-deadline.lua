-- expect: ERROR time limit of 1s exceeded
local job = core.job()

function job.run()
  local t = os.clock()
  while os.clock() - t < 3 do end
  return job.OK
end

return job
