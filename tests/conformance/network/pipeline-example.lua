-- doc: docs-src/docs/server/modules/network.md (pipeline: Example)
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local reqs = {
    {
      --defaults to "GET"
      path = "/page1.html"
    },
    {
      path = "/page2.html",
      method = "POST",
      body = "{\"name\":\"JSON\"}",
      headers = {
        ["Content-Type"] = "application/json"
      }
    }
  }

  local responses, err = core.network.pipeline(reqs, "https://api.test")

  if not responses then
    core.log(err)
  end
  check(#responses == 2, "responses: " .. #responses)
  for r=1, #responses do
    if responses[r].status == 200 then
      core.log(responses[r].body)
    end
  end
  local first, second = core.json.decode(responses[1].body), core.json.decode(responses[2].body)
  check(first.method == "GET" and first.path == "/page1.html", "first request: " .. responses[1].body)
  check(second.method == "POST" and second.path == "/page2.html" and second.body == "{\"name\":\"JSON\"}", "second request: " .. responses[2].body)
  check(second.headers["Content-Type"] == "application/json", "second request's headers")
  return job.OK
end

return job
