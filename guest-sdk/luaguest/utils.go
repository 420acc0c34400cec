package main

import (
	"fmt"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/jobbox/jobbox/abi/valuejson"
)

// installUtils defines the helpers of the Coronium docs' utils.md that
// need no host: core.sf, core.trim, core.split, and core.json with its
// safe twin core.json_safe, and core.timer (timer.go); and it makes the
// documented names jobbox refuses say so (refused.go). It also puts the LuaJIT-faithful string.format
// in place, since core.sf is documented as that very function.
func installUtils(L *lua.LState, core *lua.LTable) {
	format := L.NewFunction(strFormat)
	if str, ok := L.GetGlobal("string").(*lua.LTable); ok {
		L.SetField(str, "format", format)
	}
	L.SetField(core, "sf", format)
	L.SetField(core, "trim", L.NewFunction(coreTrim))
	L.SetField(core, "split", L.NewFunction(coreSplit))
	// Coronium's core.json is lua-cjson, which raises on bad input, and
	// core.json_safe is cjson.safe, which returns nil and the error.
	js := L.NewTable()
	L.SetField(js, "encode", L.NewFunction(raising(jsonEncodeSafe)))
	L.SetField(js, "decode", L.NewFunction(raising(jsonDecodeSafe)))
	L.SetField(core, "json", js)
	refuseUnknownMethods(L, js, "json")
	safe := L.NewTable()
	L.SetField(safe, "encode", L.NewFunction(jsonEncodeSafe))
	L.SetField(safe, "decode", L.NewFunction(jsonDecodeSafe))
	L.SetField(core, "json_safe", safe)
	refuseUnknownMethods(L, safe, "json_safe")
	L.SetField(core, "timer", L.NewFunction(coreTimer))
	installRefusals(L, core)
}

// luaSpace is what Lua's %s matches, the space core.trim removes.
const luaSpace = " \t\n\v\f\r"

// coreTrim implements core.trim(s): s without leading and trailing space.
func coreTrim(L *lua.LState) int {
	L.Push(lua.LString(strings.Trim(L.CheckString(1), luaSpace)))
	return 1
}

// coreSplit implements core.split(s[, delimiter]): the fields of s between
// occurrences of the delimiter (a comma unless given), taken as plain text,
// not a pattern. Empty fields are kept ("a,,b" has three), so that a field's
// position means the same in every record; an empty s has no fields.
func coreSplit(L *lua.LState) int {
	s := L.CheckString(1)
	delim := L.OptString(2, ",")
	if delim == "" {
		L.ArgError(2, "the delimiter must not be empty")
	}
	t := L.NewTable()
	if s != "" {
		for _, f := range strings.Split(s, delim) {
			t.Append(lua.LString(f))
		}
	}
	L.Push(t)
	return 1
}

// raising turns a function that returns nil, err into one that raises err.
func raising(safe lua.LGFunction) lua.LGFunction {
	return func(L *lua.LState) int {
		n := safe(L)
		if n == 2 && L.Get(-2) == lua.LNil {
			L.RaiseError("%s", L.Get(-1).String())
		}
		return n
	}
}

// jsonEncodeSafe implements core.json_safe.encode(value): a string, or nil
// and the error, in lua-cjson's words (jsonenc.go).
func jsonEncodeSafe(L *lua.LState) int {
	s, err := encodeJSON(L.CheckAny(1))
	if err != nil {
		L.Push(lua.LNil)
		L.Push(lua.LString(err.Error()))
		return 2
	}
	L.Push(lua.LString(s))
	return 1
}

// jsonDecodeSafe implements core.json_safe.decode(string): a value, or nil
// and the error.
func jsonDecodeSafe(L *lua.LState) int {
	v, err := valuejson.Decode([]byte(L.CheckString(1)))
	if err != nil {
		L.Push(lua.LNil)
		L.Push(lua.LString(fmt.Sprintf("core.json.decode: the text is not valid JSON: %v", err)))
		return 2
	}
	L.Push(fromValue(L, v))
	return 1
}
