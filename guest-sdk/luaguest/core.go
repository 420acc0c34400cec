package main

import (
	"fmt"
	"time"

	"github.com/jobbox/jobbox/abi"
	sdk "github.com/jobbox/jobbox/guest-sdk"
	lua "github.com/yuin/gopher-lua"
)

// jobStatus is the value behind job.OK and its siblings. They are userdata
// so that only those names (and true/false) count as valid returns: a job
// returning a number or a string is an error, as the semantics table says.
type jobStatus struct{ status sdk.Status }

// installCore defines the global core table: core.job, core.log and the
// core modules, which call the host through the ABI.
func installCore(L *lua.LState) {
	core := L.NewTable()
	L.SetField(core, "job", L.NewFunction(coreJob))
	L.SetField(core, "log", L.NewFunction(coreLog))
	L.SetField(core, string(sdk.MySQL), mysqlTable(L))
	L.SetField(core, "email", emailModule(L))
	L.SetField(core, "data", L.NewFunction(coreData))
	L.SetField(core, "network", networkModule(L))
	L.SetField(core, "ASC", lua.LString("ASC"))
	L.SetField(core, "DESC", lua.LString("DESC"))
	installHelpers(L, core)
	installUtils(L, core)
	L.SetGlobal("core", core)
}

var helpers = map[string]func(time.Time) lua.LValue{
	"minute":   func(t time.Time) lua.LValue { return lua.LNumber(t.Minute()) },
	"hour":     func(t time.Time) lua.LValue { return lua.LNumber(t.Hour()) },
	"day":      func(t time.Time) lua.LValue { return lua.LString(dayNames[t.Weekday()]) },
	"dayNum":   func(t time.Time) lua.LValue { return lua.LNumber(isoWeekday(t)) },
	"dayMonth": func(t time.Time) lua.LValue { return lua.LNumber(t.Day()) },
	"weekNum":  func(t time.Time) lua.LValue { return lua.LNumber(weekNum(t)) },
	"month":    func(t time.Time) lua.LValue { return lua.LString(t.Month().String()[:3]) },
	"monthNum": func(t time.Time) lua.LValue { return lua.LNumber(t.Month()) },
}

// dayNames follows the Jobs API, which spells Thursday "Thur".
var dayNames = [...]string{"Sun", "Mon", "Tue", "Wed", "Thur", "Fri", "Sat"}

// isoWeekday numbers the days Monday 1 to Sunday 7.
func isoWeekday(t time.Time) int { return (int(t.Weekday())+6)%7 + 1 }

// weekNum is strftime's %W: weeks start on Monday, and days before the
// year's first Monday are in week 0.
func weekNum(t time.Time) int { return (t.YearDay() + 6 - (isoWeekday(t) - 1)) / 7 }

// preparedJob is a job object prepare built in the prepared state, for the
// run's first core.job() to return: building one is most of what a
// trivial job does.
var preparedJob *lua.LTable

// coreJob implements core.job(): a fresh job object with the return values
// and the time helpers.
func coreJob(L *lua.LState) int {
	job := preparedJob
	if preparedJob = nil; job == nil {
		job = newJob(L)
	}
	L.Push(job)
	return 1
}

func newJob(L *lua.LState) *lua.LTable {
	job := L.NewTable()
	for name, st := range map[string]sdk.Status{
		"OK": sdk.OK, "SLEEP": sdk.Sleep, "STOP": sdk.Stop, "EXIT": sdk.Exit, "CANCEL": sdk.Exit,
	} {
		ud := L.NewUserData()
		ud.Value = jobStatus{st}
		meta := L.NewTable()
		label := "job." + name
		L.SetField(meta, "__tostring", L.NewFunction(func(L *lua.LState) int {
			L.Push(lua.LString(label))
			return 1
		}))
		L.SetMetatable(ud, meta)
		L.SetField(job, name, ud)
	}
	for name, h := range helpers {
		h := h
		L.SetField(job, name, L.NewFunction(func(L *lua.LState) int {
			var (
				t   time.Time
				err error
			)
			if L.ToBool(1) {
				t, err = sdk.LocalNow()
			} else {
				t, err = sdk.Now()
			}
			if err != nil {
				L.RaiseError("%s", err.Error())
			}
			L.Push(h(t))
			return 1
		}))
	}
	return job
}

// coreLog implements core.log(...): every argument, tables included, goes
// to the host, which prints them readably.
func coreLog(L *lua.LState) int {
	args := make([]any, L.GetTop())
	for i := range args {
		v, err := toValue(L.Get(i + 1))
		if err != nil {
			L.ArgError(i+1, err.Error())
		}
		args[i] = v
	}
	if err := sdk.Log(args...); err != nil {
		L.RaiseError("core.log: %s", err.Error())
	}
	return 0
}

// callModule calls method of module m with the Lua arguments from index
// first on, and pushes the host's results. A refusal by the host (the module
// is not granted or not available) raises a Lua error, which ends the run;
// a failure the module reports (nil, err, code) is returned to the job.
func callModule(L *lua.LState, m sdk.Module, method string, first int) int {
	var args []any
	for i := first; i <= L.GetTop(); i++ {
		v, err := toValue(L.Get(i))
		if err != nil {
			L.ArgError(i, err.Error())
		}
		args = append(args, v)
	}
	results, err := sdk.Call(m, method, args...)
	if err != nil {
		L.RaiseError("core.%s.%s: %s", m, method, err.Error())
	}
	for _, r := range results {
		L.Push(fromValue(L, r))
	}
	return len(results)
}

// maxValues bounds how many Lua values one conversion may visit, so a table
// that refers to itself many times cannot make the walk exponential.
const maxValues = 1 << 20

// toValue converts a Lua value for the ABI. Sequences become lists, other
// tables become abi.Table; functions, userdata and cycles are refused.
func toValue(v lua.LValue) (any, error) {
	c := converter{onPath: map[*lua.LTable]bool{}}
	return c.convert(v, 0)
}

type converter struct {
	onPath  map[*lua.LTable]bool
	visited int
}

func (c *converter) convert(v lua.LValue, depth int) (any, error) {
	if c.visited++; c.visited > maxValues {
		return nil, fmt.Errorf("value holds more than %d elements", maxValues)
	}
	if depth > abi.MaxDepth {
		return nil, fmt.Errorf("tables nest deeper than %d levels", abi.MaxDepth)
	}
	switch x := v.(type) {
	case *lua.LNilType:
		return nil, nil
	case lua.LBool:
		return bool(x), nil
	case lua.LNumber:
		f := float64(x)
		if f >= -1<<63 && f < 1<<63 && f == float64(int64(f)) {
			return int64(f), nil
		}
		return f, nil
	case lua.LString:
		return string(x), nil
	case *lua.LTable:
		if c.onPath[x] {
			return nil, fmt.Errorf("cannot pass a table that contains itself")
		}
		c.onPath[x] = true
		defer delete(c.onPath, x)
		return c.table(x, depth)
	case *lua.LUserData:
		if s, ok := x.Value.(jobStatus); ok {
			return "job." + s.status.String(), nil
		}
	}
	return nil, fmt.Errorf("cannot pass a %s to the host", v.Type())
}

func (c *converter) table(x *lua.LTable, depth int) (any, error) {
	n := x.Len()
	count := 0
	x.ForEach(func(_, _ lua.LValue) { count++ })
	if n > 0 && n == count {
		list := make([]any, n)
		for i := range list {
			e, err := c.convert(x.RawGetInt(i+1), depth+1)
			if err != nil {
				return nil, err
			}
			list[i] = e
		}
		return list, nil
	}
	t := make(abi.Table, 0, count)
	var err error
	x.ForEach(func(k, val lua.LValue) {
		if err != nil {
			return
		}
		var kv, vv any
		if kv, err = c.convert(k, depth+1); err != nil {
			return
		}
		if vv, err = c.convert(val, depth+1); err != nil {
			return
		}
		t = append(t, abi.Field{Key: kv, Value: vv})
	})
	return t, err
}

// fromValue converts a value from the ABI into Lua.
func fromValue(L *lua.LState, v any) lua.LValue {
	switch x := v.(type) {
	case nil:
		return lua.LNil
	case bool:
		return lua.LBool(x)
	case int64:
		return lua.LNumber(x)
	case float64:
		return lua.LNumber(x)
	case string:
		return lua.LString(x)
	case []any:
		t := L.CreateTable(len(x), 0)
		for i, e := range x {
			// Not Append, which skips nil and would shift what follows.
			t.RawSetInt(i+1, fromValue(L, e))
		}
		return t
	case abi.Table:
		t := L.CreateTable(0, len(x))
		for _, f := range x {
			t.RawSet(fromValue(L, f.Key), fromValue(L, f.Value))
		}
		return t
	}
	return lua.LNil
}
