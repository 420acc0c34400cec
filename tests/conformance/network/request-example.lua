-- doc: docs-src/docs/server/modules/network.md (request: Example)
-- expect: OK
-- log: status 200
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local resp, err = core.network.request("https://api.test/submit", {
    method = "POST",
    body = "{\"name\":\"JSON\"}",
    headers = {
      ["Content-Type"] = "application/json"
    }
  })
  check(resp, "request failed: " .. tostring(err))
  check(type(resp.body) == "string" and type(resp.headers) == "table" and type(resp.status) == "number", "the response table is {body, headers, status}")
  check(resp.status == 200, "status " .. tostring(resp.status))
  check(resp.headers["Content-Type"] == "application/json", "response header Content-Type is " .. tostring(resp.headers["Content-Type"]))
  local echo = core.json.decode(resp.body)
  check(echo.method == "POST" and echo.path == "/submit", "the server saw " .. resp.body)
  check(echo.body == "{\"name\":\"JSON\"}", "the server got the body " .. tostring(echo.body))
  check(echo.headers["Content-Type"] == "application/json", "the server got Content-Type " .. tostring(echo.headers["Content-Type"]))
  core.log("body", resp.body)
  core.log("status", resp.status)
  return job.OK
end

return job
