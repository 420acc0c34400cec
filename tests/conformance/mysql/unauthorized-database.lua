-- doc: docs-src/docs/client/codes.md (901 Unauthorized database) with docs-src/docs/server/modules/mysql.md (select)
-- expect: OK
-- log: Unauthorized database
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local result, err, code = core.mysql.select("clients", {tbl = "orders"})
  check(result == nil and code == 901, "an ungranted database returns nil, err, 901")
  core.log(err)
  return job.OK
end

return job
