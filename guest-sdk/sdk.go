// Package sdk is what a compiled jobbox job imports. A job is a Go program
// built with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o job.wasm .
//
// that registers its run function from init:
//
//	func init() { sdk.Handle(run) }
//	func main() {}
//
//	func run() (sdk.Status, error) {
//		sdk.Log("hello from", sdk.JobInfo().Name)
//		return sdk.OK, nil
//	}
//
// The guest reaches the outside world only through the functions here, each
// a typed wrapper over one host function of the ABI (package abi). The time
// comes from the host too (Now, LocalNow), so it follows the scheduler's clock.
//
// Runs start from a snapshot the host takes after init (and after the
// function registered with Prepare): package-level state set then is there
// in every run, and nothing a run changes reaches the next. Init may not
// call the host. Go's runtime seeds (map order, the top-level math/rand
// functions) are those of the snapshot and repeat across the runs cloned
// from it; use crypto/rand for values that must differ from run to run.
package sdk

import (
	"fmt"
	"time"

	"github.com/jobbox/jobbox/abi"
)

// Status tells the scheduler what to do after this run.
type Status = abi.Status

// The statuses a run may return; see the README's semantics table.
const (
	OK    = abi.StatusOK    // run again after the interval
	Sleep = abi.StatusSleep // run again 24 hours after this run started
	Stop  = abi.StatusStop  // do not run again until the next reload
	Exit  = abi.StatusExit  // deactivate until re-activated
)

var handler func() (Status, error)

// Handle registers the job's run function. Call it once, from init.
func Handle(run func() (Status, error)) { handler = run }

var prepare func()

// Prepare registers work to do once, before runs, whose result every run
// starts with: the host snapshots the guest after it and starts each run
// from the snapshot. It may call no host function but Sources. Call it
// once, from init.
func Prepare(fn func()) { prepare = fn }

// runJob runs the registered handler, turning a panic or an error into a
// failed run whose message the host stores as the job's last error.
func runJob() (status Status) {
	defer func() {
		if r := recover(); r != nil {
			Fail(fmt.Sprintf("panic: %v", r))
			status = abi.StatusError
		}
	}()
	if handler == nil {
		Fail("the guest registered no run function: call sdk.Handle from init")
		return abi.StatusError
	}
	st, err := handler()
	if err != nil {
		Fail(err.Error())
		return abi.StatusError
	}
	if st == abi.StatusError || !st.Valid() {
		Fail(fmt.Sprintf("the run function returned %v, which is not OK, Sleep, Stop or Exit", st))
		return abi.StatusError
	}
	return st
}

// Fail records msg as the reason this run fails. The run must then return
// abi.StatusError; Handle's wrapper does both when the run function errs.
func Fail(msg string) {
	_, _ = rawCall(abi.FuncFail, hostFail, []byte(msg))
}

// Log writes its arguments to the job's log, separated by spaces. Tables and
// lists (abi.Table, []any, map[string]any) are printed readably by the host.
func Log(args ...any) error {
	in, err := abi.Encode(args)
	if err != nil {
		return err
	}
	_, err = rawCall(abi.FuncLog, hostLog, in)
	return err
}

// Info describes the job being run.
type Info struct {
	Name   string // the job's name in config.toml
	File   string // its file, as configured
	Source string // the job file's contents (Lua jobs only)
}

// JobInfo returns the description of the job being run.
func JobInfo() (Info, error) {
	out, err := rawCall(abi.FuncJob, hostJob, nil)
	if err != nil {
		return Info{}, err
	}
	v, err := abi.Decode(out)
	if err != nil {
		return Info{}, err
	}
	t, _ := v.(abi.Table)
	return Info{Name: t.String("name"), File: t.String("file"), Source: t.String("source")}, nil
}

// Source is a Lua job file the host expects to run.
type Source struct {
	File   string // as configured, as Info.File names it
	Source string // its contents
}

// Sources returns the Lua job files the host expects to run soon, for the
// Lua guest to compile in its Prepare function; only that function may
// call it. It is a hint: a run's file may be missing from it or have
// changed since.
func Sources() ([]Source, error) {
	out, err := rawCall(abi.FuncSources, hostSources, nil)
	if err != nil {
		return nil, err
	}
	v, err := abi.Decode(out)
	if err != nil {
		return nil, err
	}
	list, _ := v.([]any)
	sources := make([]Source, 0, len(list))
	for _, item := range list {
		t, _ := item.(abi.Table)
		sources = append(sources, Source{File: t.String("file"), Source: t.String("source")})
	}
	return sources, nil
}

// Now returns the host's current time in UTC. It is the scheduler's clock,
// so tests that drive a fake clock drive the guest's time as well.
func Now() (time.Time, error) {
	t, _, err := hostNow()
	return t.UTC(), err
}

// LocalNow returns the host's current time in the timezone that config.toml
// names (the host's own by default).
func LocalNow() (time.Time, error) {
	t, zone, err := hostNow()
	return t.In(zone), err
}

func hostNow() (time.Time, *time.Location, error) {
	l, err := call(abi.FuncTime, hostTime)
	if err != nil {
		return time.Time{}, time.UTC, err
	}
	if len(l) != 3 {
		return time.Time{}, time.UTC, fmt.Errorf("time: expected 3 results, got %d", len(l))
	}
	ns, _ := l[0].(int64)
	offset, _ := l[1].(int64)
	name, _ := l[2].(string)
	return time.Unix(0, ns), time.FixedZone(name, int(offset)), nil
}

// Wait pauses the run for d, on the host, without using CPU. A sleep
// that would outlast the run's time limit ends the run when the limit is
// reached.
func Wait(d time.Duration) error {
	_, err := call(abi.FuncSleep, hostSleep, int64(d))
	return err
}

// Module names a core module reachable through Call.
type Module string

// The core modules. Each is usable only where config.toml grants it to the job.
const (
	Data    Module = abi.FuncData
	Network Module = abi.FuncNetwork
	Email   Module = abi.FuncEmail
	MySQL   Module = abi.FuncMySQL
)

// Call invokes method of a core module with args and returns its results,
// following Coronium's conventions: a result, or nil, an error message and,
// where one exists, a code. A call the host refuses (the module is not
// granted, a limit is reached) returns an *abi.CallError.
func Call(m Module, method string, args ...any) ([]any, error) {
	var fn hostFunc
	switch m {
	case Data:
		fn = hostData
	case Network:
		fn = hostNetwork
	case Email:
		fn = hostEmail
	case MySQL:
		fn = hostMySQL
	default:
		return nil, fmt.Errorf("unknown module %q", m)
	}
	return call(string(m), fn, append([]any{method}, args...)...)
}
