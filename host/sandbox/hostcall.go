package sandbox

// The calling convention of every host function (abi/SPEC.md, "Host
// functions"): the signature (in_ptr, in_len, out_ptr, out_cap i32) -> i64,
// the checks of the guest's ranges, the metering of each call against the
// run's limits, and the delivery of the payload or its keeping for result.
// Each host function's own behaviour is in a host_NAME.go file.

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"

	"github.com/jobbox/jobbox/abi"
)

// hostImpl implements one host function: it gets the input bytes (a view of
// guest memory, valid only during the call) and returns the payload and code.
type hostImpl func(ctx context.Context, rs *runState, in []byte) ([]byte, abi.Code)

// instantiateHost provides abi.HostModule: every function of
// abi.HostFuncs, each wrapped in the calling convention (wrapHost). A
// function without an implementation is a bug, refused at start.
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

func errorPayload(code abi.Code, format string, args ...any) ([]byte, abi.Code) {
	return fmt.Appendf(nil, format, args...), code
}
