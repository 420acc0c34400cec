-- doc: LuaJIT BitOp API, https://bitop.luajit.org/api.html (Coronium runs LuaJIT) (the examples of each function)
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  check(bit.tobit(0xffffffff) == -1, "tobit")
  check(bit.tobit(0xffffffff + 1) == 0, "tobit wraps")
  check(bit.tobit(2^40 + 1234) == 1234, "tobit 2^40")
  check(bit.tohex(1) == "00000001", "tohex(1)")
  check(bit.tohex(-1) == "ffffffff", "tohex(-1)")
  check(bit.tohex(0xffffffff) == "ffffffff", "tohex(0xffffffff)")
  check(bit.tohex(-1, -8) == "FFFFFFFF", "tohex upper")
  check(bit.tohex(0x21, 4) == "0021", "tohex 4 digits")
  check(bit.tohex(0x87654321, 4) == "4321", "tohex low digits")
  check(bit.bnot(0) == -1, "bnot(0)")
  check(bit.tohex(bit.bnot(0x12345678)) == "edcba987", "bnot")
  check(bit.bor(1, 2, 4, 8) == 15, "bor")
  check(bit.tohex(bit.band(0x12345678, 0xff)) == "00000078", "band")
  check(bit.tohex(bit.bxor(0xa5a5f0f0, 0xaa55ff00)) == "0ff00ff0", "bxor")
  check(bit.lshift(1, 0) == 1 and bit.lshift(1, 8) == 256 and bit.lshift(1, 40) == 256, "lshift")
  check(bit.rshift(256, 8) == 1 and bit.rshift(-256, 8) == 16777215, "rshift")
  check(bit.arshift(256, 8) == 1 and bit.arshift(-256, 8) == -1, "arshift")
  check(bit.tohex(bit.rol(0x12345678, 12)) == "45678123", "rol")
  check(bit.tohex(bit.ror(0x12345678, 12)) == "67812345", "ror")
  check(bit.tohex(bit.bswap(0x12345678)) == "78563412", "bswap")
  return job.OK
end

return job
