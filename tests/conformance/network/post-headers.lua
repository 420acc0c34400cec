-- doc: docs-src/docs/server/modules/network.md (post: core.network.post(url, body[, headers]))
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local resp, err = core.network.post("https://api.test/submit", "<x/>", { ["Content-Type"] = "text/xml" })
  check(resp, "post failed: " .. tostring(err))
  local echo = core.json.decode(resp.body)
  check(echo.headers["Content-Type"] == "text/xml", "the positional headers were not sent: " .. resp.body)
  check(echo.body == "<x/>", "body " .. tostring(echo.body))
  return job.OK
end

return job
