-- doc: docs-src/docs/server/modules/network.md (getJson: Returns, otherwise nil and an error)
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local resp, err, code = core.network.getJson("https://api.test/status/404")
  check(resp == nil, "a 404 is not a result")
  check(type(err) == "string" and err:find("404"), "the error names the status: " .. tostring(err))
  check(code == 404, "code " .. tostring(code))
  return job.OK
end

return job
