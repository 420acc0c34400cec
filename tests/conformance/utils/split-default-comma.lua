-- doc: docs-src/docs/server/modules/utils.md (split example: the comma default)
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local tbl_array = core.split("Red,Green,Blue")
  check(#tbl_array == 3, "3 fields, got " .. #tbl_array)
  check(tbl_array[1] == "Red" and tbl_array[2] == "Green" and tbl_array[3] == "Blue", "fields " .. table.concat(tbl_array, "|"))
  return job.OK
end

return job
