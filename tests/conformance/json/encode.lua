-- doc: docs-src/docs/server/modules/json.md (encode: local json_str = core.json.encode(tbl))
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local json_str = core.json.encode({color = "Red", count = 2, ok = true, list = {1, 2, 3}})
  check(json_str == "{\"color\":\"Red\",\"count\":2,\"list\":[1,2,3],\"ok\":true}", "encode gave " .. json_str)
  return job.OK
end

return job
