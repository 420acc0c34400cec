-- doc: docs-src/docs/server/modules/template.md (render example)
-- expect: ERROR core.template is not available in jobbox
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local compiled_str = core.template.render("common_resp.tpl", {name = "Jenny", age = 23})
  return job.OK
end

return job
