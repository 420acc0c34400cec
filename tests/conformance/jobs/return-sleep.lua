-- doc: docs-src/docs/server/modules/jobs/api.md (Return: job.SLEEP)
-- expect: SLEEP
local job = core.job()

function job.run()
  return job.SLEEP
end

return job
