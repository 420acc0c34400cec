// Command luaguest is the Lua interpreter jobbox runs Lua job files in: a
// wasm guest built with the jobbox guest SDK around gopher-lua. The host
// embeds the built module (host/luawasm/lua.wasm); rebuild it with
//
//	go generate ./host/luawasm
//
// Each run reads the job's source from the host, runs it in a fresh Lua
// state with only the safe standard libraries and the documented core API,
// calls job.run and maps its return to a status.
package main

import (
	"errors"
	"fmt"
	"strings"

	sdk "github.com/jobbox/jobbox/guest-sdk"
	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"
)

func init() {
	sdk.Handle(run)
	sdk.Prepare(prepare)
}

func main() {}

// prepared is the Lua state prepare built, for the run to take. The host
// snapshots the guest after prepare, so every run starts with a state
// nothing has touched, without paying to build it.
var prepared *lua.LState

// compiled holds the job files the host offered to prepare, compiled. A
// chunk is only ever read: each run makes its own closure.
var compiled map[sdk.Source]*lua.FunctionProto

func prepare() {
	prepared = newState()
	preparedJob = newJob(prepared)
	// crypto/rand sets itself up on first use, and so does the sync.Map of
	// timers, which every run reads: let the snapshot hold both.
	seedRandom()
	timerQueues.Load(prepared)
	// The sources are a hint: a run whose file is missing compiles it.
	sources, _ := sdk.Sources()
	compiled = make(map[sdk.Source]*lua.FunctionProto, len(sources))
	for _, s := range sources {
		if proto, ok := tryCompile(s); ok {
			compiled[s] = proto
		}
	}
}

// tryCompile compiles a job file for prepare. Those files are other jobs',
// and an attacker may write one: a file whose compile panics is left for
// its own runs to fail on, rather than failing the snapshot every Lua job
// shares.
func tryCompile(s sdk.Source) (proto *lua.FunctionProto, ok bool) {
	defer func() {
		if recover() != nil {
			proto, ok = nil, false
		}
	}()
	proto, err := compile(s.Source, s.File)
	return proto, err == nil
}

// compile parses and compiles a job file, as L.Load does, with the same
// messages ("file line:col: what"), but bound to no state.
func compile(source, file string) (*lua.FunctionProto, error) {
	chunk, err := parse.Parse(strings.NewReader(luaJITEscapes(source)), file)
	if err != nil {
		return nil, err
	}
	return lua.Compile(chunk, file)
}

// load returns the job file's main chunk as a function, compiled by
// prepare when it could be.
func load(L *lua.LState, info sdk.Info) (*lua.LFunction, error) {
	proto, ok := compiled[sdk.Source{File: info.File, Source: info.Source}]
	if !ok {
		var err error
		if proto, err = compile(info.Source, info.File); err != nil {
			return nil, err
		}
	}
	return L.NewFunctionFromProto(proto), nil
}

func run() (sdk.Status, error) {
	info, err := sdk.JobInfo()
	if err != nil {
		return 0, err
	}
	L := prepared
	if prepared = nil; L == nil {
		L, preparedJob = newState(), nil
	}
	defer L.Close()
	seedRandom()
	return runJob(L, info)
}

// Limits inside the interpreter, so that deep recursion ends in a Lua error
// that names the cause rather than a wasm trap.
const (
	callStackSize   = 200
	registrySize    = 1024 * 4
	registryMaxSize = 1024 * 256
)

func newState() *lua.LState {
	L := lua.NewState(lua.Options{
		SkipOpenLibs:        true,
		CallStackSize:       callStackSize,
		RegistrySize:        registrySize,
		RegistryMaxSize:     registryMaxSize,
		MinimizeStackMemory: true,
	})
	openSafeLibs(L)
	installCore(L)
	return L
}

// openSafeLibs opens the libraries a job may use. Everything that reaches
// files, processes, the environment or other modules' code is left out;
// the sandbox would refuse those anyway, but an absent function gives a
// clearer error than a refused system call.
func openSafeLibs(L *lua.LState) {
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{
		{lua.BaseLibName, lua.OpenBase},
		{lua.TabLibName, lua.OpenTable},
		{lua.StringLibName, lua.OpenString},
		{lua.MathLibName, lua.OpenMath},
		{lua.CoroutineLibName, lua.OpenCoroutine},
		{lua.OsLibName, lua.OpenOs},
	} {
		L.Push(L.NewFunction(lib.open))
		L.Push(lua.LString(lib.name))
		L.Call(1, 0)
	}
	for _, name := range []string{"dofile", "loadfile", "require", "module", "_printregs", "newproxy"} {
		L.SetGlobal(name, lua.LNil)
	}
	os := L.GetGlobal("os").(*lua.LTable)
	keep := map[string]bool{"time": true, "date": true, "clock": true, "difftime": true}
	var drop []lua.LValue
	os.ForEach(func(k, _ lua.LValue) {
		if !keep[k.String()] {
			drop = append(drop, k)
		}
	})
	for _, k := range drop {
		os.RawSet(k, lua.LNil)
	}
	openLuaJIT(L)
	L.SetGlobal("print", L.NewFunction(coreLog))
	math := L.GetGlobal("math").(*lua.LTable)
	L.SetField(math, "random", L.NewFunction(mathRandom))
	L.SetField(math, "randomseed", L.NewFunction(mathRandomSeed))
}

// runJob loads the job file, calls job.run and maps its return value.
func runJob(L *lua.LState, info sdk.Info) (sdk.Status, error) {
	fn, err := load(L, info)
	if err != nil {
		return 0, luaError(err)
	}
	L.Push(fn)
	if err := L.PCall(0, 1, nil); err != nil {
		return 0, luaError(err)
	}
	chunkResult := L.Get(-1)
	L.Pop(1)
	job, ok := chunkResult.(*lua.LTable)
	if !ok {
		return 0, fmt.Errorf("%s: the file must end with `return job` (it returned %s)", info.File, chunkResult.Type())
	}
	runFn, ok := job.RawGetString("run").(*lua.LFunction)
	if !ok {
		return 0, fmt.Errorf("%s: the job defines no job.run function", info.File)
	}
	L.Push(runFn)
	if err := L.PCall(0, 1, nil); err != nil {
		return 0, luaError(err)
	}
	ret := L.Get(-1)
	L.Pop(1)
	if err := runTimers(L); err != nil {
		return 0, err
	}
	return statusOf(ret)
}

// statusOf maps job.run's return value to a status; see the README's table.
func statusOf(v lua.LValue) (sdk.Status, error) {
	switch v {
	case lua.LTrue:
		return sdk.OK, nil
	case lua.LFalse:
		return sdk.Stop, nil
	}
	if ud, ok := v.(*lua.LUserData); ok {
		if s, ok := ud.Value.(jobStatus); ok {
			return s.status, nil
		}
	}
	desc := v.Type().String()
	if v != lua.LNil {
		desc = fmt.Sprintf("%s %s", v.Type(), lua.LVAsString(v))
	}
	return 0, fmt.Errorf("job.run returned %s; it must return job.OK, job.SLEEP, job.STOP, job.EXIT, job.CANCEL, true or false", desc)
}

// luaError reduces a gopher-lua error to its message ("file:line: what"),
// dropping the Go-side stack trace that would only confuse a job author.
func luaError(err error) error {
	var apiErr *lua.ApiError
	if errors.As(err, &apiErr) && apiErr.Object != nil {
		return errors.New(apiErr.Object.String())
	}
	return err
}
