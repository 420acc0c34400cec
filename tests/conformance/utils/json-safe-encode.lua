-- doc: docs-src/docs/server/modules/utils.md (json_safe: local str, err = json.encode(tbl))
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local json = core.json_safe
  local str, err = json.encode({greet = "Hello!"})
  check(str == "{\"greet\":\"Hello!\"}" and err == nil, "encode gave " .. tostring(str) .. ", " .. tostring(err))
  local bad, err2 = json.encode({f = function() end})
  check(bad == nil and type(err2) == "string", "encoding a function must give nil, err")
  return job.OK
end

return job
