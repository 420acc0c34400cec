package main

import (
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"

	lua "github.com/yuin/gopher-lua"
)

// installHelpers defines core.uuid, core.md5 and core.sleep (timer.go);
// utils.go defines core.json.
func installHelpers(L *lua.LState, core *lua.LTable) {
	L.SetField(core, "uuid", L.NewFunction(func(L *lua.LState) int {
		var u [16]byte
		_, _ = rand.Read(u[:])
		u[6], u[8] = u[6]&0x0f|0x40, u[8]&0x3f|0x80
		h := hex.EncodeToString(u[:])
		L.Push(lua.LString(h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]))
		return 1
	}))
	L.SetField(core, "md5", L.NewFunction(func(L *lua.LState) int {
		sum := md5.Sum([]byte(L.CheckString(1)))
		L.Push(lua.LString(hex.EncodeToString(sum[:])))
		return 1
	}))
	L.SetField(core, "sleep", L.NewFunction(coreSleep))
}
