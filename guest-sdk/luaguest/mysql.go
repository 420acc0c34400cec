package main

import (
	"fmt"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/jobbox/jobbox/abi/sqlescape"
	sdk "github.com/jobbox/jobbox/guest-sdk"
)

// mysqlTable builds core.mysql from its methods in names.go: the helpers
// that need no database and the connection methods run here, and every
// other method calls the host. Any other name ends the run
// (refuseUnknownMethods), rather than being a call the host would read as
// a database.
func mysqlTable(L *lua.LState) *lua.LTable {
	t := L.NewTable()
	logging := false
	local := map[string]lua.LGFunction{
		"escape": mysqlEscape, "escapeAll": mysqlEscapeAll,
		"timestamp": mysqlTimeFunc(false, time.DateTime), "date": mysqlTimeFunc(false, time.DateOnly),
		"localTimestamp": mysqlTimeFunc(true, time.DateTime), "localDate": mysqlTimeFunc(true, time.DateOnly),
		"parseTimestamp": mysqlParseTimestamp,
		"dbConnect":      mysqlConnect, "dbClose": mysqlDBClose,
		"dbQuery": func(L *lua.LState) int {
			n := mysqlDBQuery(L)
			if logging {
				logQueries(L)
			}
			return n
		},
		"logQueries": func(L *lua.LState) int {
			on := L.Get(1) == lua.LNil || lua.LVAsBool(L.Get(1))
			if _, err := sdk.Call(sdk.MySQL, "logQueries", on); err != nil {
				L.RaiseError("core.mysql.logQueries: %s", err.Error())
			}
			logging = on
			return 0
		},
	}
	for method := range moduleMethods["mysql"] {
		fn, isLocal := local[method]
		if !isLocal {
			fn = func(L *lua.LState) int {
				n := callModule(L, sdk.MySQL, method, 1)
				if logging {
					logQueries(L)
				}
				return n
			}
		}
		L.SetField(t, method, L.NewFunction(fn))
	}
	refuseUnknownMethods(L, t, "mysql")
	return t
}

// logQueries writes the statements the host ran for the last call to the
// run's log, as core.mysql.logQueries() asks.
func logQueries(L *lua.LState) {
	res, err := sdk.Call(sdk.MySQL, "queryLog")
	if err != nil {
		L.RaiseError("core.mysql.logQueries: %s", err.Error())
	}
	if len(res) == 0 {
		return
	}
	lines, _ := res[0].([]any)
	for _, line := range lines {
		if err := sdk.Log(line); err != nil {
			L.RaiseError("core.mysql.logQueries: %s", err.Error())
		}
	}
}

// mysqlEscape is core.mysql.escape(s): s escaped as
// mysql_real_escape_string does, in single quotes, as the docs say.
func mysqlEscape(L *lua.LState) int {
	L.Push(lua.LString(sqlescape.Quote(L.CheckString(1))))
	return 1
}

// mysqlEscapeAll is core.mysql.escapeAll(list): a new list, its strings
// escaped and quoted, other values as they are.
func mysqlEscapeAll(L *lua.LState) int {
	in := L.CheckTable(1)
	out := L.CreateTable(in.Len(), 0)
	for i := 1; i <= in.Len(); i++ {
		v := in.RawGetInt(i)
		if s, ok := v.(lua.LString); ok {
			v = lua.LString(sqlescape.Quote(string(s)))
		}
		out.RawSetInt(i, v)
	}
	L.Push(out)
	return 1
}

// mysqlTimeFunc makes timestamp, date (UTC) and localTimestamp, localDate
// (the configured timezone, at the offset it has now: the ABI's time call
// gives the offset of the current instant only).
func mysqlTimeFunc(local bool, layout string) lua.LGFunction {
	return func(L *lua.LState) int {
		now, err := sdk.Now()
		if local {
			now, err = sdk.LocalNow()
		}
		zone := now.Location()
		if err != nil {
			L.RaiseError("core.mysql: %s", err.Error())
		}
		t := now
		if n, ok := L.Get(1).(lua.LNumber); ok {
			t = time.Unix(int64(n), 0).In(zone)
		}
		L.Push(lua.LString(t.In(zone).Format(layout)))
		return 1
	}
}

// mysqlParseTimestamp is core.mysql.parseTimestamp(ts): the Unix time of a
// "YYYY-MM-DD HH:MM:SS" timestamp read as UTC, the inverse of timestamp.
func mysqlParseTimestamp(L *lua.LState) int {
	s := L.CheckString(1)
	t, err := time.Parse(time.DateTime, s)
	if err != nil {
		L.Push(lua.LNil)
		L.Push(lua.LString(fmt.Sprintf("core.mysql.parseTimestamp: %q is not a timestamp like 2006-01-02 15:04:05", s)))
		return 2
	}
	L.Push(lua.LNumber(t.Unix()))
	return 1
}

// dbConn is a connection object of dbConnect: the database it names. The
// run's session to that database is the connection (the host keeps one per
// database for the run), so dbQuery is a query on it.
type dbConn struct {
	target lua.LValue
	closed bool
}

func mysqlConnect(L *lua.LState) int {
	target := L.Get(1)
	L.SetTop(1)
	if n := callModule(L, sdk.MySQL, "dbConnect", 1); L.Get(-n) != lua.LTrue {
		return n
	}
	ud := L.NewUserData()
	ud.Value = &dbConn{target: target}
	L.Push(ud)
	return 1
}

// connOf reads dbQuery's and dbClose's connection argument.
func connOf(L *lua.LState, method string) *dbConn {
	var c *dbConn
	if ud, ok := L.Get(1).(*lua.LUserData); ok {
		c, _ = ud.Value.(*dbConn)
	}
	if c == nil {
		L.RaiseError("core.mysql.%s: the first argument must be a connection from core.mysql.dbConnect, not a %s", method, L.Get(1).Type())
	}
	return c
}

func mysqlDBQuery(L *lua.LState) int {
	c := connOf(L, "dbQuery")
	if c.closed {
		L.Push(lua.LNil)
		L.Push(lua.LString("core.mysql.dbQuery: the connection is closed"))
		return 2
	}
	query := L.Get(2)
	L.SetTop(0)
	L.Push(c.target)
	L.Push(query)
	return callModule(L, sdk.MySQL, "query", 1)
}

func mysqlDBClose(L *lua.LState) int {
	c := connOf(L, "dbClose")
	L.SetTop(0)
	L.Push(c.target)
	n := callModule(L, sdk.MySQL, "dbClose", 1)
	c.closed = true
	return n
}
