-- doc: docs-src/docs/server/modules/utils.md (json_safe: local tbl, err = json.decode(str))
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local json = core.json_safe
  local tbl, err = json.decode("{\"n\": 3}")
  check(tbl and tbl.n == 3 and err == nil, "decode gave " .. tostring(tbl) .. ", " .. tostring(err))
  local bad, err2 = json.decode("{not json")
  check(bad == nil and type(err2) == "string", "bad JSON must give nil, err, not raise")
  return job.OK
end

return job
