package main

import (
	sdk "github.com/jobbox/jobbox/guest-sdk"
	lua "github.com/yuin/gopher-lua"
)

// defaultDatabase is core.data's database when the job names none.
const defaultDatabase = "_app"

// coreData implements core.data(source[, db]): a source object whose
// methods (save, get, delete, getPage) call the host with the collection's
// name first. A database other than "_app" is part of the collection's
// name, "db.source", which is what the job's data grant names. Asking for
// the collection checks the grant at once.
func coreData(L *lua.LState) int {
	name := L.CheckString(1)
	if db := L.OptString(2, defaultDatabase); db != defaultDatabase {
		name = db + "." + name
	}
	if _, err := sdk.Call(sdk.Data, "collection", name); err != nil {
		L.RaiseError("core.data(%q): %s", name, err.Error())
	}
	coll := L.NewTable()
	for _, method := range []string{"save", "get", "delete", "getPage"} {
		L.SetField(coll, method, L.NewFunction(func(L *lua.LState) int {
			// source:method(...): argument 1 is the source itself.
			L.Replace(1, lua.LString(name))
			return callModule(L, sdk.Data, method, 1)
		}))
	}
	refuseUnknown(L, coll, "a core.data source")
	L.Push(coll)
	return 1
}
