package main

import (
	sdk "github.com/jobbox/jobbox/guest-sdk"
	lua "github.com/yuin/gopher-lua"
)

// networkMethods are core.network's methods (network.md). The host reads
// their documented shapes; a name not here raises at once instead of
// reaching the host.
var networkMethods = []string{"request", "get", "post", "getJson", "postJson", "pipeline", "encode"}

// networkModule is core.network: each method calls the host, which
// answers with a result, or nil, err, code.
func networkModule(L *lua.LState) *lua.LTable {
	mod := L.NewTable()
	for _, method := range networkMethods {
		L.SetField(mod, method, L.NewFunction(func(L *lua.LState) int {
			return callModule(L, sdk.Network, method, 1)
		}))
	}
	refuseUnknown(L, mod, "core.network")
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
