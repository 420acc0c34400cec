package main

import (
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/jobbox/jobbox/abi/valuejson"
	sdk "github.com/jobbox/jobbox/guest-sdk"
)

// installHelpers defines core.json, core.uuid, core.md5 and core.sleep.
func installHelpers(L *lua.LState, core *lua.LTable) {
	js := L.NewTable()
	L.SetField(js, "encode", L.NewFunction(jsonEncode))
	L.SetField(js, "decode", L.NewFunction(jsonDecode))
	L.SetField(core, "json", js)
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
	L.SetField(core, "sleep", L.NewFunction(func(L *lua.LState) int {
		seconds := float64(L.CheckNumber(1))
		if seconds < 0 || math.IsNaN(seconds) || seconds > 1e9 {
			L.ArgError(1, "seconds must be a number from 0")
		}
		if err := sdk.Wait(time.Duration(seconds * float64(time.Second))); err != nil {
			L.RaiseError("core.sleep: %s", err.Error())
		}
		return 0
	}))
}

// jsonEncode implements core.json.encode(value): a string, or nil, err.
func jsonEncode(L *lua.LState) int {
	v, err := toValue(L.CheckAny(1))
	if err == nil {
		var b []byte
		if b, err = valuejson.Encode(v); err == nil {
			L.Push(lua.LString(b))
			return 1
		}
	}
	L.Push(lua.LNil)
	L.Push(lua.LString(err.Error()))
	return 2
}

// jsonDecode implements core.json.decode(string): a value, or nil, err.
func jsonDecode(L *lua.LState) int {
	v, err := valuejson.Decode([]byte(L.CheckString(1)))
	if err != nil {
		L.Push(lua.LNil)
		L.Push(lua.LString(fmt.Sprintf("core.json.decode: %v", err)))
		return 2
	}
	L.Push(fromValue(L, v))
	return 1
}
