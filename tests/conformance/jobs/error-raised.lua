-- doc: docs-src/docs/server/modules/jobs/api.md (Errors: a critical error deactivates the job and stores the message)
-- expect: ERROR the job broke on purpose
local job = core.job()

function job.run()
  error("the job broke on purpose")
end

return job
