-- doc: docs-src/docs/server/modules/data.md (core.data: Example)
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local users = core.data("conf")
  check(type(users) == "table", "core.data returns a source object")
  for _, m in ipairs({ "get", "save", "delete", "getPage" }) do
    check(type(users[m]) == "function", "the source has " .. m)
  end
  return job.OK
end

return job
