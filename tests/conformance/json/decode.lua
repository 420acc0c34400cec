-- doc: docs-src/docs/server/modules/json.md (decode: local tbl = core.json.decode(json_str))
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local tbl = core.json.decode("{\"color\":\"Red\",\"count\":2,\"list\":[1,2,3],\"nested\":{\"ok\":true}}")
  check(tbl.color == "Red" and tbl.count == 2 and #tbl.list == 3 and tbl.nested.ok == true, "decode lost fields")
  return job.OK
end

return job
