-- doc: docs-src/docs/server/modules/jobs/api.md (Return: job.EXIT)
-- expect: EXIT
local job = core.job()

function job.run()
  return job.EXIT
end

return job
