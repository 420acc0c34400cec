-- doc: docs-src/docs/server/modules/utils.md (sf: shares the attributes of Lua string.format)
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  check(core.sf("%05.1f|%-4d|%x|%5s|%q", 3.14159, 7, 255, "ab", "a\"b") == string.format("%05.1f|%-4d|%x|%5s|%q", 3.14159, 7, 255, "ab", "a\"b"), "differs from string.format")
  check(core.sf("%05.1f|%-4d|%x|%5s", 3.14159, 7, 255, "ab") == "003.1|7   |ff|   ab", "core.sf gave " .. core.sf("%05.1f|%-4d|%x|%5s", 3.14159, 7, 255, "ab"))
  check(core.sf("%g %.3f %e", 1234567, 2/3, 12.5) == "1.23457e+06 0.667 1.250000e+01", "C-style floats: " .. core.sf("%g %.3f %e", 1234567, 2/3, 12.5))
  return job.OK
end

return job
