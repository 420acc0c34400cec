-- doc: docs-src/docs/server/modules/utils.md (json: local json = core.json; json.encode(tbl), json.decode(str))
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local json = core.json
  local str = json.encode({name = "Sally", age = 34, tags = {"a", "b"}})
  check(type(str) == "string", "encode gave " .. type(str))
  local tbl = json.decode(str)
  check(tbl.name == "Sally" and tbl.age == 34 and tbl.tags[2] == "b", "round trip lost fields: " .. str)
  return job.OK
end

return job
