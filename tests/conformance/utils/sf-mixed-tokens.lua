-- doc: docs-src/docs/server/modules/utils.md (sf notes: mixed and multiple tokens)
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local str = core.sf("Ordered %d %s with %s.", 2, "burgers", "cheese")
  check(str == "Ordered 2 burgers with cheese.", "core.sf gave " .. tostring(str))
  return job.OK
end

return job
