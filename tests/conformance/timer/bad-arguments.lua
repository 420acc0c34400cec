-- doc: docs-src/docs/server/modules/timer.md (Returns: a timer object, or nil, and an error)
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local t, err = core.timer("soon", function() end)
  check(t == nil and type(err) == "string", "a bad seconds value must give nil, err")
  local t2, err2 = core.timer(1, nil)
  check(t2 == nil and type(err2) == "string", "a missing callback must give nil, err")
  return job.OK
end

return job
