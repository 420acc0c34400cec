-- doc: docs-src/docs/server/modules/network.md (encode: Form Example)
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local form = core.network.encode({
    firstname = "Sally",
    lastname = "Jones"
  })
  check(form == "firstname=Sally&lastname=Jones", "encode gave " .. form)

  local resp, err = core.network.post("https://api.test/submit", form)
  check(resp, "post failed: " .. tostring(err))
  local echo = core.json.decode(resp.body)
  check(echo.body == form, "the server got " .. tostring(echo.body))
  check(echo.headers["Content-Type"] == "application/x-www-form-urlencoded", "Content-Type " .. tostring(echo.headers["Content-Type"]))
  return job.OK
end

return job
