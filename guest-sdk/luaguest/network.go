package main

import (
	sdk "github.com/jobbox/jobbox/guest-sdk"
	lua "github.com/yuin/gopher-lua"
)

// networkModule is core.network: each method names.go lists (network.md)
// calls the host, which answers with a result, or nil, err, code; any
// other name ends the run at once instead of reaching the host.
func networkModule(L *lua.LState) *lua.LTable {
	mod := L.NewTable()
	for method := range moduleMethods["network"] {
		L.SetField(mod, method, L.NewFunction(func(L *lua.LState) int {
			return callModule(L, sdk.Network, method, 1)
		}))
	}
	refuseUnknownMethods(L, mod, "network")
	return mod
}

// refuseUnknown makes reading a field t lacks raise "NAME has no method
// X" rather than give nil, which would end the run later with the less
// helpful "attempt to call a nil value".
func refuseUnknown(L *lua.LState, t *lua.LTable, name string) {
	meta := L.NewTable()
	L.SetField(meta, "__index", L.NewFunction(func(L *lua.LState) int {
		L.RaiseError("%s has no method %q", name, L.CheckString(2))
		return 0
	}))
	L.SetMetatable(t, meta)
}
