package main

import (
	sdk "github.com/jobbox/jobbox/guest-sdk"
	lua "github.com/yuin/gopher-lua"
)

// emailSetters are the message object's setters (email.md) and the
// field each fills. to, cc and bcc keep every address of every call;
// body is text, as the seed's examples write it.
var emailSetters = map[string]string{
	"to": "to", "cc": "cc", "bcc": "bcc", "from": "from", "replyTo": "replyTo",
	"subject": "subject", "text": "text", "body": "text", "html": "html", "tag": "tag",
	"requireTls": "requireTls", "skipVerification": "skipVerification", "testMode": "testMode",
}

// emailFlags are the setters that take a boolean.
var emailFlags = map[string]bool{"requireTls": true, "skipVerification": true, "testMode": true}

// emailModule implements core.email.new([key, domain[, region]]): a
// message whose setters collect fields and whose :send() hands them to
// the host. jobbox sends through the operator's relay, so the Mailgun
// key, domain and region, if given, play no part.
func emailModule(L *lua.LState) *lua.LTable {
	mod := L.NewTable()
	L.SetField(mod, "new", L.NewFunction(func(L *lua.LState) int {
		msg, fields := L.NewTable(), L.NewTable()
		for setter, key := range emailSetters {
			L.SetField(msg, setter, L.NewFunction(func(L *lua.LState) int {
				setField(L, fields, key)
				L.Push(L.Get(1))
				return 1
			}))
		}
		L.SetField(msg, "send", L.NewFunction(func(L *lua.LState) int {
			L.SetTop(0)
			L.Push(fields)
			return callModule(L, sdk.Email, "send", 1)
		}))
		refuseUnknown(L, msg, "an email message")
		L.Push(msg)
		return 1
	}))
	refuseUnknownMethods(L, mod, "email")
	return mod
}

// setField records msg:SETTER(...) (argument 1 is msg itself).
func setField(L *lua.LState, fields *lua.LTable, key string) {
	switch {
	case key == "to" || key == "cc" || key == "bcc":
		list, ok := fields.RawGetString(key).(*lua.LTable)
		if !ok {
			list = L.NewTable()
			fields.RawSetString(key, list)
		}
		for i := 2; i <= L.GetTop(); i++ {
			list.Append(L.Get(i))
		}
	case emailFlags[key]:
		fields.RawSetString(key, lua.LBool(lua.LVAsBool(L.Get(2))))
	default:
		fields.RawSetString(key, L.Get(2))
	}
}
