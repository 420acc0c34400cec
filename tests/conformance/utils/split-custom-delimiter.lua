-- doc: docs-src/docs/server/modules/utils.md (split: using a custom delimiter)
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local tbl_array = core.split("User:2001:Storage", ":")
  check(#tbl_array == 3, "3 fields, got " .. #tbl_array)
  check(tbl_array[1] == "User" and tbl_array[2] == "2001" and tbl_array[3] == "Storage", "fields " .. table.concat(tbl_array, "|"))
  return job.OK
end

return job
