package main

import "testing"

// TestBit checks the bit library against the results LuaJIT's BitOp
// documentation gives (https://bitop.luajit.org/api.html).
func TestBit(t *testing.T) {
	t.Parallel()
	luaCases(t, map[string]string{
		"tobit":   `eq(bit.tobit(0xffffffff), -1); eq(bit.tobit(0xffffffff + 1), 0); eq(bit.tobit(2^40 + 1234), 1234); eq(bit.tobit("7"), 7); eq(bit.tobit(2.5), 2); eq(bit.tobit(3.5), 4)`,
		"tohex":   `eq(bit.tohex(1), "00000001"); eq(bit.tohex(-1), "ffffffff"); eq(bit.tohex(0xffffffff), "ffffffff"); eq(bit.tohex(-1, -8), "FFFFFFFF"); eq(bit.tohex(0x21, 4), "0021"); eq(bit.tohex(0x87654321, 4), "4321"); eq(bit.tohex(5, 20), "00000005")`,
		"bnot":    `eq(bit.bnot(0), -1); eq(bit.tohex(bit.bnot(0x12345678)), "edcba987")`,
		"bor":     `eq(bit.bor(1, 2, 4, 8), 15)`,
		"band":    `eq(bit.tohex(bit.band(0x12345678, 0xff)), "00000078"); eq(bit.band(7), 7)`,
		"bxor":    `eq(bit.tohex(bit.bxor(0xa5a5f0f0, 0xaa55ff00)), "0ff00ff0")`,
		"lshift":  `eq(bit.lshift(1, 0), 1); eq(bit.lshift(1, 8), 256); eq(bit.lshift(1, 40), 256); eq(bit.lshift(1, 31), -2147483648)`,
		"rshift":  `eq(bit.rshift(256, 8), 1); eq(bit.rshift(-256, 8), 16777215)`,
		"arshift": `eq(bit.arshift(256, 8), 1); eq(bit.arshift(-256, 8), -1)`,
		"rol ror": `eq(bit.tohex(bit.rol(0x12345678, 12)), "45678123"); eq(bit.tohex(bit.ror(0x12345678, 12)), "67812345")`,
		"bswap":   `eq(bit.tohex(bit.bswap(0x12345678)), "78563412"); eq(bit.tohex(bit.bswap(0x78563412)), "12345678")`,
		"signed":  `eq(bit.bor(0x80000000), -2147483648); eq(bit.band(-1, 0xffffffff), -1)`,
	})
	luaErrors(t, map[string]string{
		`bit.band()`:         "bad argument #1",
		`bit.bor(1, {})`:     "number expected, got table",
		`bit.lshift("x", 1)`: "number expected, got string",
	})
}

// TestLuaJITRuntime: the standard functions runtime.go replaces behave as
// LuaJIT 2.1's do.
func TestLuaJITRuntime(t *testing.T) {
	t.Parallel()
	luaCases(t, map[string]string{
		"math.huge":    `eq(math.huge, 1/0); eq(1e300 * 1e10, math.huge); eq(-math.huge < -1e308, true)`,
		"math.log":     `eq(math.log(8, 2), 3); eq(math.log(100, 10), 2); eq(math.log(1), 0); assert(math.abs(math.log(27, 3) - 3) < 1e-12)`,
		"string.rep":   `eq(string.rep("a", 3, ","), "a,a,a"); eq(("ab"):rep(2), "abab"); eq(string.rep("x", 0, ","), ""); eq(string.rep("x", -1), "")`,
		"xpcall args":  `local ok, a, b = xpcall(function(x, y) return x + y, "r" end, print, 2, 3); eq(ok, true); eq(a, 5); eq(b, "r")`,
		"xpcall error": `local ok, msg = xpcall(function() error("e", 0) end, function(m) return "handled " .. m end); eq(ok, false); eq(msg, "handled e")`,
		"load string":  `eq(load("return 1 + 1")(), 2); local f = load("return x", "chunk", "t", {x = 4}); eq(f(), 4)`,
		"load error":   `local f, err = load("return +", "c"); eq(f, nil); assert(err:find("c"), err); local g, err2 = load("return 1", "c", "b"); eq(g, nil); assert(err2:find("mode is 'b'"), err2)`,
		"tostring":     `eq(tostring(0.1 + 0.2), "0.3"); eq(tostring(1/3), "0.33333333333333"); eq(tostring(2^53), "9.007199254741e+15"); eq(tostring(1e15), "1e+15"); eq(tostring(100), "100"); eq(tostring(-1/0), "-inf"); eq(tostring(0/0), "nan"); eq(tostring(nil), "nil"); eq(tostring("s"), "s")`,
		"sf %s number": `eq(core.sf("%s|%s", 0.1 + 0.2, 7), "0.3|7")`,
		"load reader":  `local done = false; local f = load(function() if done then return nil end; done = true; return "return 7" end); eq(f(), 7)`,
	})
}
