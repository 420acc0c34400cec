-- doc: docs-src/docs/server/modules/network.md (get: Example; 2.5.0 in server/updates.md: get returns a response object)
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local resp, err = core.network.get("https://api.test/page")
  if not resp then
    core.log(err)
  end
  check(type(resp) == "table", "get returns the response table, not " .. type(resp))
  check(resp.status == 200, "status " .. tostring(resp.status))
  local echo = core.json.decode(resp.body)
  check(echo.method == "GET" and echo.path == "/page", "the server saw " .. resp.body)
  core.log(resp.body)
  return job.OK
end

return job
