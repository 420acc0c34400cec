-- doc: LuaJIT 2.1 extensions, string escapes \xHH, \u{XXX}, \z (Coronium runs LuaJIT)
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  check("\x41\x62" == "Ab", "\\x escapes")
  check("\u{48}\u{e9}" == "H\195\169", "\\u{} escapes")
  check("a\z
         b" == "ab", "\\z skips the line break and spaces")
  return job.OK
end

return job
