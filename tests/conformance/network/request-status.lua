-- doc: docs-src/docs/server/modules/network.md (request: Response Table Keys, status)
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local resp, err = core.network.request("https://api.test/status/503", { method = "GET" })
  check(resp, "a 503 is a response, not an error: " .. tostring(err))
  check(resp.status == 503, "status " .. tostring(resp.status))
  return job.OK
end

return job
