-- doc: docs-src/docs/server/modules/network.md (postJson: Example; the example reads resp.body, which jobbox follows over "returns a string")
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local data = {
    name = "Tim",
    age = 34
  }

  local resp, err = core.network.postJson("https://api.test/people", data)

  if not resp then
    core.log(err)
  end
  check(type(resp) == "table" and resp.status == 200, "postJson returns the response table")
  local echo = core.json.decode(resp.body)
  check(echo.headers["Content-Type"] == "application/json", "Content-Type " .. tostring(echo.headers["Content-Type"]))
  local sent = core.json.decode(echo.body)
  check(sent.name == "Tim" and sent.age == 34, "the server got " .. tostring(echo.body))
  core.log(resp.body)
  return job.OK
end

return job
