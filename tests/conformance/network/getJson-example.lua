-- doc: docs-src/docs/server/modules/network.md (getJson: Example)
-- expect: OK
-- log: hello
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local resp, err = core.network.getJson("https://api.test/json")

  if not resp then
    core.log(err)
  end
  check(resp.greeting == "hello" and resp.n == 3, "getJson returns the decoded table")
  core.log(resp.greeting)
  return job.OK
end

return job
