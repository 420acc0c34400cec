package main

import lua "github.com/yuin/gopher-lua"

// installRefusals gives core a metatable that ends the run with a reason
// when a job reads a documented core name jobbox does not offer (core.users,
// core.mongo, ...), rather than the "attempt to index a nil value" the job
// would otherwise meet a line later. Other missing names stay nil, as Lua
// has them, so a job may still add fields of its own to core.
func installRefusals(L *lua.LState, core *lua.LTable) {
	meta := L.NewTable()
	L.SetField(meta, "__index", L.NewFunction(func(L *lua.LState) int {
		if name, ok := L.Get(2).(lua.LString); ok {
			if why, ok := refusedNames[string(name)]; ok {
				L.RaiseError("core.%s is not available in jobbox: %s", name, why)
			}
		}
		return 0
	}))
	L.SetMetatable(core, meta)
}

// refuseUnknownMethods makes reading any method of module's table t that
// names.go does not list end the run, instead of handing the job a nil to
// call.
func refuseUnknownMethods(L *lua.LState, t *lua.LTable, module string) {
	meta := L.NewTable()
	L.SetField(meta, "__index", L.NewFunction(func(L *lua.LState) int {
		L.RaiseError("core.%s.%s is not available in jobbox", module, lua.LVAsString(L.Get(2)))
		return 0
	}))
	L.SetMetatable(t, meta)
}
