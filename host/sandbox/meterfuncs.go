package sandbox

// The functions of the meter's import module, which package meter's
// rewrite has every guest call: refuel at each budget of fuel, and
// stackExhausted when calls nest too deep. They are not part of the ABI.

import (
	"context"
	"fmt"
	"time"

	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"

	"github.com/jobbox/jobbox/host/internal/meter"
)

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

// stackExhausted ends a run whose calls nest deeper than its limit.
func stackExhausted(ctx context.Context, mod api.Module, _ []uint64) {
	if rs, ok := ctx.Value(runKey{}).(*runState); ok {
		rs.abort(fmt.Sprintf("stack depth limit of %d nested calls exceeded", rs.job.Limits.StackDepth))
	}
	endRun(ctx, mod)
}
