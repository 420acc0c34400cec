-- doc: docs-src/docs/server/modules/network.md (encode: Query Example)
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local args = core.network.encode({
    page = 1,
    perpage = 10
  })

  local url = "https://api.test/list?"..args

  local resp, err = core.network.get(url)
  check(resp, "get failed: " .. tostring(err))
  local echo = core.json.decode(resp.body)
  check(echo.query == "page=1&perpage=10", "the server got the query " .. tostring(echo.query))
  return job.OK
end

return job
