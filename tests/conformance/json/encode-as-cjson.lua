-- doc: docs-src/docs/server/modules/json.md (encode; Coronium's core.json is lua-cjson, whose text jobbox writes)
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local s = core.json.encode({url = "https://a.test/x", third = 1/3, big = 2^53, list = {1, nil, 3}})
  check(s == '{"big":9.007199254741e+15,"list":[1,null,3],"third":0.33333333333333,"url":"https:\\/\\/a.test\\/x"}', "encode gave " .. s)
  local ok, err = pcall(core.json.encode, {f = function() end})
  check(not ok and tostring(err):find("Cannot serialise function: type not supported", 1, true), "a function must raise cjson's error, got " .. tostring(err))
  return job.OK
end

return job
