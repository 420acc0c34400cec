-- doc: docs-src/docs/server/modules/utils.md (trim example)
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local trimmed_str = core.trim("  I could use a trim  ")
  check(trimmed_str == "I could use a trim", "core.trim gave [" .. tostring(trimmed_str) .. "]")
  return job.OK
end

return job
