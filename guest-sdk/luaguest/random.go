package main

import (
	crand "crypto/rand"
	"encoding/binary"
	"math/rand/v2"

	lua "github.com/yuin/gopher-lua"
)

// random is math.random's generator. gopher-lua's own uses Go's top-level
// math/rand, which every run would replay from the host's snapshot, and
// whose seeding Go ignores since 1.24; this one is seeded for each run from
// the host's cryptographic source, and math.randomseed makes it repeatable
// as Lua documents.
var (
	source = rand.NewPCG(0, 0)
	random = rand.New(source)
)

// seedRandom gives the run its own sequence.
func seedRandom() {
	var b [16]byte
	_, _ = crand.Read(b[:])
	source.Seed(binary.LittleEndian.Uint64(b[:8]), binary.LittleEndian.Uint64(b[8:]))
}

// mathRandom is Lua 5.1's math.random: a float in [0,1), or an integer in
// [1,m] or [m,n].
func mathRandom(L *lua.LState) int {
	var lo, hi int64
	switch L.GetTop() {
	case 0:
		L.Push(lua.LNumber(random.Float64()))
		return 1
	case 1:
		lo, hi = 1, L.CheckInt64(1)
	default:
		lo, hi = L.CheckInt64(1), L.CheckInt64(2)
	}
	if lo > hi {
		L.ArgError(L.GetTop(), "interval is empty")
	}
	n := hi - lo + 1
	if n <= 0 {
		L.ArgError(L.GetTop(), "interval is too large")
	}
	L.Push(lua.LNumber(lo + random.Int64N(n)))
	return 1
}

// mathRandomSeed is math.randomseed(x): the same x gives the same sequence.
func mathRandomSeed(L *lua.LState) int {
	source.Seed(uint64(L.CheckInt64(1)), 0)
	return 0
}
