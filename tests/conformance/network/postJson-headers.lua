-- doc: docs-src/docs/server/modules/network.md (postJson: core.network.postJson(url, tbl[, headers]))
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local resp, err = core.network.postJson("https://api.test/people", { a = 1 }, { ["X-Trace"] = "42" })
  check(resp, "postJson failed: " .. tostring(err))
  local echo = core.json.decode(resp.body)
  check(echo.headers["X-Trace"] == "42", "the positional headers were not sent: " .. resp.body)
  return job.OK
end

return job
