-- doc: docs-src/docs/server/modules/utils.md (sleep example: a work loop that pauses)
-- expect: OK
-- log: loop done after 3
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local n = 0
  for i = 1, 3 do
    n = n + 1
    core.sleep(0.05) -- the docs sleep 2 seconds 20 times; the shape is the same
  end
  core.log("loop done after " .. n)
  return job.OK
end

return job
