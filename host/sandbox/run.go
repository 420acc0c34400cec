package sandbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jobbox/jobbox/abi"
)

// Run runs job once, in a clone of its guest's snapshot where it can be and
// in a fresh instance otherwise. It never returns an error: every
// failure, the guest's or the file's, is an Outcome with StatusError.
func (e *Engine) Run(ctx context.Context, job Job) Outcome {
	out := Outcome{Start: e.opts.Now()}
	job.Limits = withDefaults(job.Limits)
	rs := &runState{engine: e, job: &job}
	status, err := e.run(ctx, rs)
	if rs.modules != nil {
		rs.modules.Close()
	}
	out.End = e.opts.Now()
	out.Logs, out.Memory = rs.logs, rs.memory
	if err != nil {
		out.Status, out.Error = abi.StatusError, err.Error()
		return out
	}
	out.Status = status
	return out
}

func (e *Engine) run(ctx context.Context, rs *runState) (abi.Status, error) {
	g, err := e.load(ctx, rs)
	if err != nil {
		return abi.StatusError, err
	}
	defer g.release()
	res, err := e.call(ctx, rs, g, abi.RunExport)
	if err != nil {
		return abi.StatusError, err
	}
	status := abi.Status(int32(res))
	switch {
	case status == abi.StatusError:
		if rs.failure == "" {
			return status, errors.New("the job failed without saying why")
		}
		return status, errors.New(rs.failure)
	case !status.Valid():
		return abi.StatusError, fmt.Errorf("the guest returned %d, which is not a job status", int32(res))
	}
	return status, nil
}

// Problem is a mistake Check found in a job file.
type Problem struct {
	Line, Col int
	Message   string
}

// Check reports the mistakes in job's file that show without running it: for
// Lua, syntax errors and misuse of the job object; for compiled guests, the
// ABI version, the imports and the exports. It returns an error only when
// the file cannot be checked at all.
func (e *Engine) Check(ctx context.Context, job Job) ([]Problem, error) {
	job.Limits = withDefaults(job.Limits)
	rs := &runState{engine: e, job: &job, checking: true}
	g, err := e.load(ctx, rs)
	if err != nil {
		return []Problem{{Line: 1, Col: 1, Message: err.Error()}}, nil
	}
	defer g.release()
	if g != e.lua {
		return nil, nil
	}
	if _, err := e.call(ctx, rs, g, abi.CheckExport); err != nil {
		return nil, fmt.Errorf("checking %s: %w", job.File, err)
	}
	return rs.problems, nil
}

// call gives the run an instance of g, from its pool or fresh, and calls
// export in it.
func (e *Engine) call(ctx context.Context, rs *runState, g *guest, export string) (uint64, error) {
	rs.deadline = time.Now().Add(rs.job.Limits.Timeout)
	ctx, cancel := context.WithDeadline(ctx, rs.deadline)
	defer cancel()
	ctx = context.WithValue(ctx, runKey{}, rs)

	inst, err := e.instanceFor(ctx, rs, g, export)
	reusable := false
	if inst != nil {
		// Resetting or closing a used instance takes a fraction of a
		// millisecond the run need not wait for.
		e.closing.Add(1)
		defer func() {
			if reusable {
				inst.pool.resetting.Add(1)
			}
			go func() {
				defer e.closing.Done()
				ctx := context.WithoutCancel(ctx)
				if reusable {
					inst.pool.recycle(ctx, inst)
					return
				}
				inst.learn()
				inst.close(ctx)
			}()
		}()
	}
	if err != nil {
		return 0, err
	}
	res, err := inst.exported(export).Call(ctx)
	// Only a clone whose run returned is reused: a trap or an abort may
	// leave the instance closed or half way through the guest's code.
	reusable = err == nil && rs.aborted == "" && inst.pool != nil
	if mem := inst.mod.Memory(); mem != nil {
		rs.memory = uint64(mem.Size())
	}
	if err != nil {
		return 0, rs.explain(err, inst)
	}
	if rs.aborted != "" {
		return 0, errors.New(rs.aborted)
	}
	return res[0], nil
}

// instanceFor returns the instance a run calls export in, ready for the
// call: a clone from g's pool for a run, otherwise a fresh instance.
func (e *Engine) instanceFor(ctx context.Context, rs *runState, g *guest, export string) (*instance, error) {
	limits := rs.job.Limits
	if g.tableBytes >= limits.MemoryBytes {
		return nil, fmt.Errorf("memory limit of %s exceeded: the guest's tables take %s", formatBytes(limits.MemoryBytes), formatBytes(g.tableBytes))
	}
	memoryBytes := limits.MemoryBytes - g.tableBytes // wazero keeps tables outside linear memory
	// A snapshot larger than the job's memory (for the Lua guest, one
	// holding many other jobs' compiled files) costs the job a fresh
	// instance, holding only its own file, rather than its run.
	if g.pool == nil || export != abi.RunExport || !g.pool.fits(memoryBytes) {
		rs.stage = stageInitializing
		inst, err := e.newInstance(ctx, g, nil, memoryBytes)
		if err != nil {
			return nil, rs.explain(err, inst)
		}
		rs.output = inst.output
		return inst, e.initialize(ctx, rs, inst)
	}
	inst, err := g.pool.take(ctx, limits)
	if err != nil {
		return nil, err
	}
	rs.output = inst.output
	inst.mem.limit = memoryBytes
	if size := inst.mod.Memory().Size(); uint64(size) > memoryBytes {
		return inst, fmt.Errorf("memory limit of %s exceeded: the guest holds %s once initialised", formatBytes(limits.MemoryBytes), formatBytes(uint64(size)))
	}
	setStackLimit(inst, limits.StackDepth)
	return inst, nil
}
