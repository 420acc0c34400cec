package sandbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jobbox/jobbox/abi"
)

type runKey struct{}

// runState is the host's side of one run: what the host functions read and
// record. It lives in the context of the calls into that run's instance.
//
// What the host holds for a run is bounded by the job's limits: the logs
// (or a check's problems) by log_bytes, each line rendered in at most
// maxLogLine(log_bytes); one pending result by run_bytes, as every payload
// is counted against it before it is kept; the guest's failure message by
// 4 KiB and its stdout and stderr by 8 KiB. A call's decoded input lives
// only during the call, at most about 20 times call_bytes (measured by
// BenchmarkDecodeAmplification: 20 MiB for 1 MiB of nested empty lists).
type runState struct {
	engine   *Engine
	job      *Job
	source   string // the Lua job file, read for this run
	checking bool   // a Check rather than a Run: log calls carry problems
	// stage is how far the instance has come: while it initialises or
	// prepares (once per snapshot, not per run), it may not call the host,
	// except sources while it prepares.
	stage stage
	// offerSources is set only for a snapshot of the Lua guest, the
	// engine's own interpreter: it is offered every Lua job file the
	// engine knows. Any other instance is offered its run's file at most,
	// and a compiled guest's run has none.
	offerSources bool
	// timedOut is set when the run's deadline ended it, so that explain
	// names the time limit even when the memory allocator also refused a
	// grow on the way.
	timedOut bool

	pending  []byte // a result too large for the guest's buffer, until fetched
	failure  string // the guest's own account of why the run failed
	aborted  string // the limit the run broke; set before the instance closes
	deadline time.Time
	modules  ModuleRun // opened at the run's first module call
	logs     []string
	logLines int // lines logged, or problems a check reported
	logBytes int
	calls    int   // host calls so far
	traffic  int64 // bytes across the ABI so far, in and out
	problems []Problem
	output   *cappedBuffer // the instance's stdout and stderr
	memory   uint64        // linear memory when the run ended
}

// stage is the part of an instance's life a host call comes from.
type stage uint8

const (
	stageRunning      stage = iota // jobbox_run or jobbox_check
	stageInitializing              // _initialize and the version check
	stagePreparing                 // jobbox_prepare
)

// during names the stage for an error message: "" for a run.
func (s stage) during() string {
	switch s {
	case stageInitializing:
		return " during initialisation"
	case stagePreparing:
		return " during preparation (jobbox_prepare)"
	}
	return ""
}

// refuses returns why the host function name cannot be called at stage s,
// or "" when it can.
func (s stage) refuses(name string) string {
	switch {
	case s == stageInitializing:
		return "the host cannot be called while the guest initialises; call it from the run function"
	case s == stagePreparing && name != abi.FuncSources && name != abi.FuncResult:
		// result fetches what sources returned past the guest's buffer.
		return "the host cannot be called while the guest prepares, except for sources; call it from the run function"
	case s == stageRunning && name == abi.FuncSources:
		return "sources can only be called while the guest prepares"
	}
	return ""
}

// abort records why the run must end; the wrapper then ends it.
func (rs *runState) abort(reason string) {
	if rs.aborted == "" {
		rs.aborted = reason
	}
}

// abortAtDeadline records why a run reaching its deadline ends: its time
// limit, or the service stopping.
func (rs *runState) abortAtDeadline(ctx context.Context, detail string) {
	if errors.Is(ctx.Err(), context.Canceled) {
		rs.abort("the run was cancelled because the service is stopping")
		return
	}
	rs.timedOut = true
	if rs.stage != stageRunning {
		rs.abort(fmt.Sprintf("the guest did not return within its time limit of %s%s", rs.job.Limits.Timeout, rs.stage.during()))
		return
	}
	rs.abort(fmt.Sprintf("time limit of %s exceeded%s", rs.job.Limits.Timeout, detail))
}
