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
