-- doc: docs-src/docs/server/modules/jobs/api.md (Return: job.STOP)
-- expect: STOP
local job = core.job()

function job.run()
  return job.STOP
end

return job
