package main

import (
	"math"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// openLuaJIT brings the state closer to the LuaJIT 2.1 that Coronium runs
// job code on: the bit library, and the standard functions where gopher-lua
// (a Lua 5.1) would otherwise give a silently different result for code
// written for LuaJIT. What stays different is listed in
// docs/conformance/utils.md.
func openLuaJIT(L *lua.LState) {
	openBit(L)
	if m, ok := L.GetGlobal("math").(*lua.LTable); ok {
		// gopher-lua's math.huge is the largest float, so x == math.huge
		// is false for an overflowed x.
		L.SetField(m, "huge", lua.LNumber(math.Inf(1)))
		L.SetField(m, "log", L.NewFunction(mathLog))
	}
	if s, ok := L.GetGlobal("string").(*lua.LTable); ok {
		L.SetField(s, "rep", L.NewFunction(strRep))
	}
	L.SetGlobal("xpcall", L.NewFunction(baseXPCall))
	if orig, ok := L.GetGlobal("tostring").(*lua.LFunction); ok {
		L.SetGlobal("tostring", L.NewFunction(baseToString(orig)))
	}
	if load, ok := L.GetGlobal("load").(*lua.LFunction); ok {
		L.SetGlobal("load", L.NewFunction(baseLoad(load)))
	}
}

// mathLog is math.log(x[, base]); gopher-lua ignores the base.
func mathLog(L *lua.LState) int {
	x := float64(L.CheckNumber(1))
	r := math.Log(x)
	if L.GetTop() >= 2 {
		switch base := float64(L.CheckNumber(2)); base {
		case 2:
			r = math.Log2(x)
		case 10:
			r = math.Log10(x)
		default:
			r /= math.Log(base)
		}
	}
	L.Push(lua.LNumber(r))
	return 1
}

// strRep is string.rep(s, n[, sep]); gopher-lua ignores the separator.
func strRep(L *lua.LState) int {
	s := L.CheckString(1)
	n := L.CheckInt(2)
	sep := L.OptString(3, "")
	if n <= 0 {
		L.Push(lua.LString(""))
		return 1
	}
	L.Push(lua.LString(strings.Repeat(s+sep, n-1) + s))
	return 1
}

// baseXPCall is xpcall(f, handler, ...): LuaJIT passes the extra arguments
// to f, which gopher-lua drops.
func baseXPCall(L *lua.LState) int {
	fn := L.CheckFunction(1)
	handler := L.CheckFunction(2)
	top := L.GetTop()
	L.Push(fn)
	for i := 3; i <= top; i++ {
		L.Push(L.Get(i))
	}
	if err := L.PCall(top-2, lua.MultRet, handler); err != nil {
		L.Push(lua.LFalse)
		if aerr, ok := err.(*lua.ApiError); ok {
			L.Push(aerr.Object)
		} else {
			L.Push(lua.LString(err.Error()))
		}
		return 2
	}
	L.Insert(lua.LTrue, top+1)
	return L.GetTop() - top
}

// baseLoad is load(chunk[, chunkname[, mode[, env]]]): LuaJIT takes the
// chunk as a string too, and a mode and an environment; gopher-lua only a
// reader function. Only text chunks load, as gopher-lua has no bytecode.
func baseLoad(orig *lua.LFunction) lua.LGFunction {
	return func(L *lua.LState) int {
		src, ok := L.Get(1).(lua.LString)
		if !ok {
			top := L.GetTop()
			L.Push(orig)
			for i := 1; i <= top; i++ {
				L.Push(L.Get(i))
			}
			L.Call(top, lua.MultRet)
			return L.GetTop() - top
		}
		name := L.OptString(2, string(src))
		if mode := L.OptString(3, "bt"); !strings.Contains(mode, "t") {
			L.Push(lua.LNil)
			L.Push(lua.LString("attempt to load a text chunk (mode is '" + mode + "')"))
			return 2
		}
		fn, err := L.Load(strings.NewReader(luaJITEscapes(string(src))), name)
		if err != nil {
			L.Push(lua.LNil)
			L.Push(lua.LString(luaError(err).Error()))
			return 2
		}
		if env, ok := L.Get(4).(*lua.LTable); ok {
			L.SetFEnv(fn, env)
		}
		L.Push(fn)
		return 1
	}
}

// luaNumber writes a number as LuaJIT's tostring does: %.14g, with inf,
// -inf and nan. gopher-lua writes the shortest exact form instead
// (0.30000000000000004 for 0.1 + 0.2, where Lua writes 0.3).
func luaNumber(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return strconv.FormatFloat(f, 'g', 14, 64)
}

// baseToString is tostring(v) with LuaJIT's number form. The `..`
// operator and core.log still use gopher-lua's, which the interpreter
// builds in.
func baseToString(orig *lua.LFunction) lua.LGFunction {
	return func(L *lua.LState) int {
		if n, ok := L.Get(1).(lua.LNumber); ok && L.GetTop() == 1 {
			L.Push(lua.LString(luaNumber(float64(n))))
			return 1
		}
		top := L.GetTop()
		L.Push(orig)
		for i := 1; i <= top; i++ {
			L.Push(L.Get(i))
		}
		L.Call(top, 1)
		return 1
	}
}
