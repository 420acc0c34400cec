-- expect: ERROR stack overflow
local job = core.job()

function job.run()
  local function f() return 1 + f() end
  f()
  return job.OK
end

return job
