-- doc: docs-src/docs/server/modules/network.md (post: Example; 2.5.0 in server/updates.md: post returns a response object)
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local body = "Here is some text I am posting."

  local resp, err = core.network.post("https://api.test/submit", body)
  if not resp then
    core.log(err)
  end
  check(type(resp) == "table" and resp.status == 200, "post returns the response table")
  local echo = core.json.decode(resp.body)
  check(echo.method == "POST" and echo.body == body, "the server saw " .. resp.body)
  core.log(resp.body)
  return job.OK
end

return job
