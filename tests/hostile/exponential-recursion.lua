-- expect: ERROR time limit of 1s exceeded
local job = core.job()

function job.run()
  local function f(n) if n == 0 then return 1 end return f(n - 1) + f(n - 1) end
  f(80)
  return job.OK
end

return job
