-- doc: Lua 5.1 manual, unpack (LuaJIT keeps the global)
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local a, b, c = unpack({1, 2, 3})
  check(a == 1 and b == 2 and c == 3, "unpack")
  local x, y = unpack({"p", "q", "r"}, 2, 3)
  check(x == "q" and y == "r", "unpack with i, j")
  return job.OK
end

return job
