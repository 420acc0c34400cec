-- doc: docs-src/docs/server/modules/network.md (get: core.network.get(url[, headers]))
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local resp, err = core.network.get("https://api.test/h", { ["X-Api-Key"] = "secret" })
  check(resp, "get failed: " .. tostring(err))
  local echo = core.json.decode(resp.body)
  check(echo.headers["X-Api-Key"] == "secret", "the positional headers were not sent: " .. resp.body)
  return job.OK
end

return job
