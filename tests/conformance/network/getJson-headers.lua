-- doc: docs-src/docs/server/modules/network.md (getJson: core.network.getJson(url[, headers]))
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local resp, err = core.network.getJson("https://api.test/echo", { Authorization = "Bearer t" })
  check(resp, "getJson failed: " .. tostring(err))
  check(resp.headers.Authorization == "Bearer t", "the positional headers were not sent")
  return job.OK
end

return job
