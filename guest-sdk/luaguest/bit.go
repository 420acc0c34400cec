package main

import (
	"math"
	"math/bits"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// openBit defines the global bit: LuaJIT's BitOp library, which Coronium
// job code may use since Coronium runs LuaJIT. Every operation works on
// 32-bit integers and returns a signed 32-bit result, as
// https://bitop.luajit.org/api.html documents.
func openBit(L *lua.LState) {
	bit := L.NewTable()
	for name, fn := range map[string]lua.LGFunction{
		"tobit":   func(L *lua.LState) int { return pushBit(L, bitArg(L, 1)) },
		"bnot":    func(L *lua.LState) int { return pushBit(L, ^bitArg(L, 1)) },
		"band":    bitFold(func(a, b uint32) uint32 { return a & b }),
		"bor":     bitFold(func(a, b uint32) uint32 { return a | b }),
		"bxor":    bitFold(func(a, b uint32) uint32 { return a ^ b }),
		"lshift":  bitShift(func(x uint32, n int) uint32 { return x << n }),
		"rshift":  bitShift(func(x uint32, n int) uint32 { return x >> n }),
		"arshift": bitShift(func(x uint32, n int) uint32 { return uint32(int32(x) >> n) }),
		"rol":     bitShift(func(x uint32, n int) uint32 { return bits.RotateLeft32(x, n) }),
		"ror":     bitShift(func(x uint32, n int) uint32 { return bits.RotateLeft32(x, -n) }),
		"bswap":   func(L *lua.LState) int { return pushBit(L, bits.ReverseBytes32(bitArg(L, 1))) },
		"tohex":   bitToHex,
	} {
		L.SetField(bit, name, L.NewFunction(fn))
	}
	L.SetGlobal("bit", bit)
}

// toBit normalises a number to 32 bits as LuaJIT does: rounded to an
// integer (ties to even, like its 2^52+2^51 addition) and taken modulo 2^32.
func toBit(f float64) uint32 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0 // LuaJIT leaves these unspecified
	}
	f = math.Mod(math.RoundToEven(f), 1<<32)
	if f < 0 {
		f += 1 << 32
	}
	return uint32(f)
}

// bitArg reads argument n as a number (numeric strings included, as
// LuaJIT coerces them) normalised to 32 bits.
func bitArg(L *lua.LState, n int) uint32 { return toBit(float64(L.CheckNumber(n))) }

func pushBit(L *lua.LState, x uint32) int {
	L.Push(lua.LNumber(int32(x)))
	return 1
}

// bitFold makes band, bor and bxor, which take one or more arguments.
func bitFold(op func(a, b uint32) uint32) lua.LGFunction {
	return func(L *lua.LState) int {
		acc := bitArg(L, 1)
		for i := 2; i <= L.GetTop(); i++ {
			acc = op(acc, bitArg(L, i))
		}
		return pushBit(L, acc)
	}
}

// bitShift makes the shifts and rotations, which use the count's low five
// bits only.
func bitShift(op func(x uint32, n int) uint32) lua.LGFunction {
	return func(L *lua.LState) int {
		return pushBit(L, op(bitArg(L, 1), int(bitArg(L, 2)&31)))
	}
}

// bitToHex is bit.tohex(x[, n]): the low |n| hex digits of x (8 unless
// given), upper case when n is negative.
func bitToHex(L *lua.LState) int {
	x := bitArg(L, 1)
	n := int32(8)
	if L.GetTop() >= 2 {
		n = int32(bitArg(L, 2))
	}
	upper := n < 0
	if upper {
		n = -n
	}
	if n > 8 || n < 0 { // n < 0 only for math.MinInt32
		n = 8
	}
	const digits = "0123456789abcdef"
	buf := make([]byte, n)
	for i := n - 1; i >= 0; i-- {
		buf[i] = digits[x&15]
		x >>= 4
	}
	s := string(buf)
	if upper {
		s = strings.ToUpper(s)
	}
	L.Push(lua.LString(s))
	return 1
}
