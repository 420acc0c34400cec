package sandbox

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/internal/meter"
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

// hostImpl implements one host function: it gets the input bytes (a view of
// guest memory, valid only during the call) and returns the payload and code.
type hostImpl func(ctx context.Context, rs *runState, in []byte) ([]byte, abi.Code)

func (e *Engine) instantiateHost(ctx context.Context) error {
	impls := map[string]hostImpl{
		abi.FuncLog:     hostLog,
		abi.FuncTime:    hostTime,
		abi.FuncSleep:   hostSleep,
		abi.FuncJob:     hostJob,
		abi.FuncFail:    hostFail,
		abi.FuncResult:  hostResult,
		abi.FuncData:    moduleFunc("data"),
		abi.FuncNetwork: moduleFunc("network"),
		abi.FuncEmail:   moduleFunc("email"),
		abi.FuncMySQL:   moduleFunc("mysql"),
		abi.FuncSources: hostSources,
	}
	for name, impl := range e.opts.hostOverrides {
		impls[name] = impl
	}
	b := e.runtime.NewHostModuleBuilder(abi.HostModule)
	i32, i64 := api.ValueTypeI32, api.ValueTypeI64
	for _, name := range abi.HostFuncs() {
		impl, ok := impls[name]
		if !ok {
			return fmt.Errorf("host function %s has no implementation", name)
		}
		b.NewFunctionBuilder().
			WithGoModuleFunction(wrapHost(name, impl), []api.ValueType{i32, i32, i32, i32}, []api.ValueType{i64}).
			WithParameterNames("in_ptr", "in_len", "out_ptr", "out_cap").
			Export(name)
	}
	_, err := b.Instantiate(ctx)
	return err
}

// fuelBudget is the fuel refuel grants: instructions (or bytes of bulk
// work) between two deadline checks. It is large enough that the checks
// cost little (a refuel costs microseconds, and the Lua interpreter's main
// loop weighs 33,394: at 2^18, fib(25) took 1.3-1.5x, at 2^20 1.07x), and
// small enough that the gap between two checks (and so a run's overshoot
// past its deadline, and how long a guest can keep the Go scheduler from
// stopping the world) stays under a millisecond of CPU for every guest of
// the corpus (BenchmarkContainment; RATIONALE.md).
const fuelBudget = 1 << 20

// hostReturned, set only by benchmarks before any run, is called whenever
// a guest reaches the host (refuel or a host function), and the function
// it returns when the host returns to the guest, to measure the longest
// stretch a guest runs without reaching the host.
var hostReturned func(api.Module) func()

// instantiateMeter provides the functions package meter's rewrite imports.
func (e *Engine) instantiateMeter(ctx context.Context) error {
	b := e.runtime.NewHostModuleBuilder(meter.ImportModule)
	b.NewFunctionBuilder().
		WithGoModuleFunction(api.GoModuleFunc(refuel), nil, []api.ValueType{api.ValueTypeI32}).
		Export(meter.Refuel)
	b.NewFunctionBuilder().
		WithGoModuleFunction(api.GoModuleFunc(stackExhausted), nil, nil).
		Export(meter.StackExhausted)
	_, err := b.Instantiate(ctx)
	return err
}

// refuel ends the run when its deadline has passed or the service is
// stopping, and otherwise grants the next budget. Being a call into Go, it
// is also where the Go scheduler can preempt a guest that never stops.
func refuel(ctx context.Context, mod api.Module, stack []uint64) {
	if hostReturned != nil {
		defer hostReturned(mod)()
	}
	rs, _ := ctx.Value(runKey{}).(*runState)
	if rs == nil {
		panic(sys.NewExitError(exitCodeAborted)) // a call outside any run
	}
	if ctx.Err() != nil || !time.Now().Before(rs.deadline) {
		rs.abortAtDeadline(ctx, "")
		endRun(ctx, mod)
	}
	stack[0] = fuelBudget
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

// stackExhausted ends a run whose calls nest deeper than its limit.
func stackExhausted(ctx context.Context, mod api.Module, _ []uint64) {
	if rs, ok := ctx.Value(runKey{}).(*runState); ok {
		rs.abort(fmt.Sprintf("stack depth limit of %d nested calls exceeded", rs.job.Limits.StackDepth))
	}
	endRun(ctx, mod)
}

// wrapHost adapts an implementation to the calling convention of abi/SPEC.md.
// It validates the guest's ranges before touching memory, meters the call
// against the run's limits, and recovers any panic of the implementation, so
// a hostile guest can fail only its own run.
func wrapHost(name string, impl hostImpl) api.GoModuleFunction {
	return api.GoModuleFunc(func(ctx context.Context, mod api.Module, stack []uint64) {
		rs, _ := ctx.Value(runKey{}).(*runState)
		if hostReturned != nil {
			defer hostReturned(mod)()
		}
		inPtr, inLen := uint32(stack[0]), uint32(stack[1])
		outPtr, outCap := uint32(stack[2]), uint32(stack[3])
		defer func() {
			r := recover()
			if r == nil {
				return
			}
			if exit, ok := r.(*sys.ExitError); ok {
				panic(exit) // an abort below: let wazero end the call
			}
			if rs == nil {
				stack[0] = abi.PackResult(abi.CodeInternal, 0)
				return
			}
			rs.engine.logLine(rs.job.Name, fmt.Sprintf("host function %s panicked: %v\n%s", name, r, debug.Stack()))
			rs.abort(fmt.Sprintf("host function %s failed: %v", name, r))
			endRun(ctx, mod)
		}()
		mem := mod.Memory()
		if rs == nil || mem == nil {
			stack[0] = abi.PackResult(abi.CodeInternal, 0)
			return
		}
		if msg := rs.stage.refuses(name); msg != "" {
			stack[0] = deliver(mem, outPtr, outCap, rs, abi.CodeNotAvailable, []byte(name+": "+msg))
			return
		}
		if msg := rs.meterCall(); msg != "" {
			rs.abort(msg)
			endRun(ctx, mod)
		}
		in, ok := mem.Read(inPtr, inLen)
		if !ok {
			stack[0] = deliver(mem, outPtr, outCap, rs, abi.CodeBadPointer,
				fmt.Appendf(nil, "%s: input range [%d, +%d) lies outside guest memory (%d bytes)", name, inPtr, inLen, mem.Size()))
			return
		}
		if msg := rs.meterInput(len(in)); msg != "" {
			rs.abort(msg)
			endRun(ctx, mod)
		}
		payload, code := impl(ctx, rs, in)
		if msg := rs.meterBytes(len(payload)); msg != "" {
			rs.abort(msg)
		}
		if rs.aborted != "" {
			endRun(ctx, mod)
		}
		stack[0] = deliver(mem, outPtr, outCap, rs, code, payload)
	})
}

// endRun closes the instance and unwinds the guest's call: the run is over,
// and runState.aborted says why.
func endRun(ctx context.Context, mod api.Module) {
	_ = mod.CloseWithExitCode(ctx, exitCodeAborted)
	panic(sys.NewExitError(exitCodeAborted))
}

// meterCall counts one host call against the run's limit and names the
// limit when the call breaks it.
func (rs *runState) meterCall() string {
	maxCalls := rs.job.Limits.HostCalls
	if rs.calls++; rs.calls > maxCalls {
		return fmt.Sprintf("host call limit of %d per run exceeded", maxCalls)
	}
	return ""
}

// meterInput counts a call's n input bytes against the per-call and
// per-run limits.
func (rs *runState) meterInput(n int) string {
	if maxIn := rs.job.Limits.CallBytes; n > maxIn {
		return fmt.Sprintf("a host call passed %d bytes, more than the limit of %d per call", n, maxIn)
	}
	return rs.meterBytes(n)
}

// meterBytes counts n bytes crossing the ABI against the per-run limit.
func (rs *runState) meterBytes(n int) string {
	maxRun := rs.job.Limits.RunBytes
	if rs.traffic += int64(n); rs.traffic > maxRun {
		return fmt.Sprintf("limit of %d bytes across host calls per run exceeded", maxRun)
	}
	return ""
}

// deliver writes payload to the guest's output range when it fits, or keeps
// it pending for abi.FuncResult, and returns the packed i64 result.
func deliver(mem api.Memory, outPtr, outCap uint32, rs *runState, code abi.Code, payload []byte) uint64 {
	n := uint32(len(payload))
	rs.pending = nil
	if n == 0 {
		return abi.PackResult(code, 0)
	}
	if n > outCap {
		// Every payload is the call's own or immutable (the encoded
		// source set is replaced, never changed): keep it, not a copy.
		rs.pending = payload
		return abi.PackResult(code, n)
	}
	if !mem.Write(outPtr, payload) {
		return abi.PackResult(abi.CodeBadPointer, 0)
	}
	return abi.PackResult(code, n)
}

// abort records why the run must end; the wrapper then ends it.
func (rs *runState) abort(reason string) {
	if rs.aborted == "" {
		rs.aborted = reason
	}
}

func errorPayload(code abi.Code, format string, args ...any) ([]byte, abi.Code) {
	return fmt.Appendf(nil, format, args...), code
}

// hostLog implements abi.FuncLog: in is a list of values. The lines and
// bytes a run logs, or a check reports, are bounded by the log limits.
func hostLog(ctx context.Context, rs *runState, in []byte) ([]byte, abi.Code) {
	args, err := abi.DecodeList(in)
	if err != nil {
		return errorPayload(abi.CodeBadEncoding, "core.log: %v", err)
	}
	maxLines, maxBytes := rs.job.Limits.LogLines, rs.job.Limits.LogBytes
	if rs.logLines >= maxLines {
		rs.abort(fmt.Sprintf("log limit of %d lines per run exceeded", maxLines))
		return nil, abi.CodeLimit
	}
	var line string
	if rs.checking {
		line = rs.addProblem(args, maxBytes-rs.logBytes)
	} else {
		line = formatLog(args, maxBytes-rs.logBytes)
	}
	if rs.logBytes+len(line) > maxBytes {
		rs.abort(fmt.Sprintf("log limit of %d bytes per run exceeded", maxBytes))
		return nil, abi.CodeLimit
	}
	rs.logLines++
	rs.logBytes += len(line)
	if rs.checking {
		return nil, abi.CodeOK
	}
	rs.logs = append(rs.logs, line)
	rs.engine.logLine(rs.job.Name, line)
	return nil, abi.CodeOK
}

func (e *Engine) logLine(job, line string) {
	if e.opts.OnLog != nil {
		e.opts.OnLog(job, line)
	}
}

// addProblem records a [line, col, message] report of the check export,
// and returns its message, bounded like a log line by limit.
func (rs *runState) addProblem(args []any, limit int) string {
	var p Problem
	if len(args) == 3 {
		line, _ := args[0].(int64)
		col, _ := args[1].(int64)
		msg, _ := args[2].(string)
		p = Problem{Line: int(line), Col: int(col), Message: formatLog([]any{msg}, limit)}
	} else {
		p = Problem{Line: 1, Col: 1, Message: formatLog(args, limit)}
	}
	rs.problems = append(rs.problems, p)
	return p.Message
}

// hostTime implements abi.FuncTime.
func hostTime(_ context.Context, rs *runState, _ []byte) ([]byte, abi.Code) {
	now := rs.engine.opts.Now().In(rs.engine.location.Load())
	zone, offset := now.Zone()
	out, _ := abi.Encode([]any{now.UnixNano(), offset, zone})
	return out, abi.CodeOK
}

// hostSleep implements abi.FuncSleep: in is a list [nanoseconds]. A sleep
// past the run's deadline ends the run at the deadline.
func hostSleep(ctx context.Context, rs *runState, in []byte) ([]byte, abi.Code) {
	args, err := abi.DecodeList(in)
	if err != nil || len(args) != 1 {
		return errorPayload(abi.CodeBadEncoding, "sleep: the input must be a list of one integer")
	}
	ns, ok := args[0].(int64)
	if !ok || ns < 0 {
		return errorPayload(abi.CodeBadArgument, "sleep: the duration must be a non-negative integer of nanoseconds")
	}
	d, left := time.Duration(ns), time.Until(rs.deadline)
	overrun := d >= left
	timer := time.NewTimer(min(d, max(left, 0)))
	defer timer.Stop()
	resumed := OffSlot(ctx, func() {
		select {
		case <-timer.C:
		case <-ctx.Done():
			overrun = true
		}
	})
	switch {
	case overrun:
		rs.abortAtDeadline(ctx, " (while sleeping)")
	case !resumed:
		rs.abortAtDeadline(ctx, " (while waiting for a run slot after sleeping)")
	}
	return nil, abi.CodeOK
}

// hostJob implements abi.FuncJob.
func hostJob(_ context.Context, rs *runState, _ []byte) ([]byte, abi.Code) {
	out, _ := abi.Encode(abi.Table{
		{Key: "name", Value: rs.job.Name},
		{Key: "file", Value: rs.job.File},
		{Key: "source", Value: rs.source},
	})
	return out, abi.CodeOK
}

// hostSources implements abi.FuncSources: a snapshot of the Lua guest is
// offered what the engine knows, a fresh instance its run's own file (none
// for a compiled guest).
func hostSources(_ context.Context, rs *runState, _ []byte) ([]byte, abi.Code) {
	if rs.offerSources {
		return rs.engine.sources.list(), abi.CodeOK
	}
	list := []any{}
	if rs.source != "" {
		list = append(list, sourceEntry(rs.job.File, rs.source))
	}
	out, _ := abi.Encode(list)
	return out, abi.CodeOK
}

// maxFailureBytes bounds the error message a guest may store.
const maxFailureBytes = 4 << 10

// hostFail implements abi.FuncFail: in is the message, as UTF-8 bytes.
func hostFail(_ context.Context, rs *runState, in []byte) ([]byte, abi.Code) {
	msg := strings.ToValidUTF8(string(in[:min(len(in), maxFailureBytes)]), "?")
	if rs.failure == "" {
		rs.failure = msg
	}
	return nil, abi.CodeOK
}

// hostResult implements abi.FuncResult.
func hostResult(_ context.Context, rs *runState, _ []byte) ([]byte, abi.Code) {
	if rs.pending == nil {
		return errorPayload(abi.CodeNoResult, "result: no result is pending")
	}
	return rs.pending, abi.CodeOK
}

// moduleFunc implements the host function of a core module: in is a list
// [method, args...]; the output is the list of results.
func moduleFunc(module string) hostImpl {
	return func(ctx context.Context, rs *runState, in []byte) ([]byte, abi.Code) {
		args, err := abi.DecodeList(in)
		if err != nil {
			return errorPayload(abi.CodeBadEncoding, "core.%s: %v", module, err)
		}
		var name string
		if len(args) > 0 {
			name, _ = args[0].(string)
		}
		if name == "" {
			return errorPayload(abi.CodeBadArgument, "core.%s: the first value must name a method", module)
		}
		if rs.job.Modules == nil {
			return errorPayload(abi.CodeNotGranted, "core.%s is not granted to job %s: grant it in config.toml ([jobs.grants.%s])", module, rs.job.Name, module)
		}
		if rs.modules == nil {
			rs.modules = rs.job.Modules.Open()
		}
		ctx = WithResultBudget(ctx, rs.job.Limits.RunBytes-rs.traffic)
		var results []any
		if !OffSlot(ctx, func() { results, err = rs.modules.Call(ctx, module, name, args[1:]) }) {
			rs.abortAtDeadline(ctx, " (while waiting for a run slot after a core."+module+" call)")
			return nil, abi.CodeLimit
		}
		switch {
		case errors.Is(err, ErrNotGranted):
			return errorPayload(abi.CodeNotGranted, "%v", err)
		case err != nil:
			return errorPayload(abi.CodeBadArgument, "%v", err)
		}
		out, err := abi.Encode(results)
		if err != nil {
			return errorPayload(abi.CodeInternal, "core.%s.%s: encoding the results: %v", module, name, err)
		}
		return out, abi.CodeOK
	}
}

// cappedBuffer keeps the first bytes a guest writes to stdout and stderr:
// enough to explain a crash (Go prints "fatal error: ..." there), never more.
type cappedBuffer struct {
	buf []byte
}

const stderrCap = 8 << 10

func (b *cappedBuffer) Write(p []byte) (int, error) {
	if room := stderrCap - len(b.buf); room > 0 {
		b.buf = append(b.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (b *cappedBuffer) reset() { b.buf = b.buf[:0] }

// summary is the first non-empty line written, which for a Go guest is the
// panic or fatal error message.
func (b *cappedBuffer) summary() string {
	if b == nil {
		return ""
	}
	for _, line := range strings.Split(string(b.buf), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			return strings.ToValidUTF8(line, "?")
		}
	}
	return ""
}
