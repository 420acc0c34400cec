-- doc: docs-src/docs/server/modules/utils.md (json vs json_safe: only json_safe handles errors, core.json raises)
-- expect: ERROR core.json.decode: the text is not valid JSON
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  core.json.decode("{not json")
  return job.OK
end

return job
