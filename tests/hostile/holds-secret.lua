-- expect: ERROR this job holds a secret
-- The constant other-jobs-source.lua looks for: the snapshot every Lua job
-- shares holds this file compiled, constant and all.
API_TOKEN = "corpus-secret-4f1c"
local TOKEN = "corpus-secret-4f1c-local"
local job = core.job()

function job.run()
  error("this job holds a secret")
end

return job
