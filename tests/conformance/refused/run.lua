-- doc: docs-src/docs/server/addons.md (core.run: running PHP)
-- expect: ERROR core.run is not available in jobbox
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local resp, err = core.run("php /home/coronium/php/info.php")
  return job.OK
end

return job
