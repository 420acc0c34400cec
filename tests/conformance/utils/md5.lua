-- doc: docs-src/docs/server/modules/utils.md (md5 example)
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local md5 = core.md5("somestringtomd5")
  check(md5 == "9a5c03309269f0274506259626dc725c", "core.md5 gave " .. md5)
  return job.OK
end

return job
