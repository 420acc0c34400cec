package sandbox

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/internal/meter"
	"github.com/jobbox/jobbox/host/internal/pagemem"
)

// instance is one instantiated guest. A fresh one serves one run; a clone
// serves run after run, reset between them (pool.recycle).
type instance struct {
	mod    api.Module
	mem    *linearMemory
	output *cappedBuffer // what the guest writes to stdout and stderr
	// For a clone: its pool, its snapshot (a reference to it), and the
	// profile that learns from its run, when it was picked to.
	pool  *pool
	image *image
	touch *touchProfile
	scan  pagemem.Scan // reused by each reset's copy-back
	// fns caches the exported functions called in the instance: wazero
	// gives each api.Function a call stack of its own.
	fns map[string]api.Function
	// live is the engine's count of open instances (Engine.Instances),
	// nil once this one is closed.
	live *atomic.Int64
}

// exported returns the exported function name, or nil when there is none.
func (i *instance) exported(name string) api.Function {
	if f, ok := i.fns[name]; ok {
		return f
	}
	f := i.mod.ExportedFunction(name)
	if i.fns == nil {
		i.fns = map[string]api.Function{}
	}
	i.fns[name] = f
	return f
}

func (i *instance) close(ctx context.Context) {
	_ = i.mod.Close(ctx)
	if i.live != nil {
		i.live.Add(-1)
		i.live = nil
	}
	if i.image != nil {
		i.image.release()
		i.image = nil
	}
}

// learn lets the profile of the instance's guest learn from the run that
// has just ended in it, when it was picked to.
func (i *instance) learn() {
	if i.touch != nil {
		i.touch.learn(i.mem.backing[:i.image.size], &i.scan)
	}
}

// cloneMemoryLimit bounds a clone's memory until a run takes the clone and
// sets its own limit: the most a 32-bit memory can hold.
const cloneMemoryLimit = 1 << 32

// newInstance instantiates g with no start function, its memory limited to
// limit bytes. Given an image, the instance is a clone: its memory maps the
// image and its globals are set from it. Otherwise it is fresh, and
// initialize must run next. When it fails after instantiating, it closes
// the instance and returns it too, for rs.explain to see whether the
// memory limit was the cause.
func (e *Engine) newInstance(ctx context.Context, g *guest, im *image, limit uint64) (*instance, error) {
	inst := &instance{mem: &linearMemory{limit: limit}, output: &cappedBuffer{}}
	alloc := &memoryAllocator{mem: inst.mem, image: im}
	cfg := e.moduleConfig.WithStdout(inst.output).WithStderr(inst.output)
	mod, err := e.runtime.InstantiateModule(experimental.WithMemoryAllocator(ctx, alloc), g.module, cfg)
	if err != nil {
		return nil, err
	}
	inst.mod = mod
	inst.live = &e.live
	e.live.Add(1)
	if err := e.restore(inst, g, im, alloc.err); err != nil {
		inst.close(context.WithoutCancel(ctx))
		return inst, err
	}
	return inst, nil
}

// restore lays out a new instance's state: the data segments the rewrite
// lifted out for a fresh instance, the image's size and globals for a clone.
func (e *Engine) restore(inst *instance, g *guest, im *image, mapErr error) error {
	if err := cmp.Or(mapErr, inst.exceeded()); err != nil {
		return err
	}
	mod := inst.mod
	mem := mod.Memory()
	if im == nil {
		if g.layout != nil {
			for _, seg := range g.layout.Data {
				if !mem.Write(seg.Offset, seg.Bytes) {
					return fmt.Errorf("the guest cannot run here: its data segment at %d (%d bytes) lies outside its memory of %d bytes", seg.Offset, len(seg.Bytes), mem.Size())
				}
			}
		}
		return nil
	}
	if grow := (im.size - uint64(mem.Size())) / wasmPage; grow > 0 {
		if _, ok := mem.Grow(uint32(grow)); !ok {
			return fmt.Errorf("growing a clone to its snapshot's %s failed", formatBytes(im.size))
		}
	}
	for i, name := range g.layout.Globals {
		mod.ExportedGlobal(name).(api.MutableGlobal).Set(im.globals[i])
	}
	return nil
}

const wasmPage = 65536

// exceeded is an error when the instance asked for more memory than its limit.
func (i *instance) exceeded() error {
	if i.mem.exceeded.Load() {
		return errMemoryExceeded
	}
	return nil
}

var errMemoryExceeded = errors.New("memory limit exceeded")

// initialize sets the run's stack limit, calls _initialize, checks the
// guest's ABI version and lets the guest prepare (abi.PrepareExport). The
// guest may not call the host meanwhile, but for sources while it
// prepares: all this runs once per snapshot, not once per run.
func (e *Engine) initialize(ctx context.Context, rs *runState, inst *instance) error {
	if !setStackLimit(inst, rs.job.Limits.StackDepth) && !e.opts.Unmetered {
		return errors.New("the guest was not instrumented (no stack global): a bug in jobbox")
	}
	rs.stage = stageInitializing
	defer func() { rs.stage = stageRunning }()
	if _, err := inst.mod.ExportedFunction(abi.InitializeExport).Call(ctx); err != nil {
		return rs.explain(err, inst)
	}
	res, err := inst.mod.ExportedFunction(abi.VersionExport).Call(ctx)
	if err != nil {
		return rs.explain(err, inst)
	}
	if v := uint32(res[0]); v>>16 != abi.VersionMajor || v&0xffff > abi.VersionMinor {
		return fmt.Errorf("the guest was built for jobbox ABI %d.%d; this host speaks %d.%d", v>>16, v&0xffff, abi.VersionMajor, abi.VersionMinor)
	}
	if prepare := inst.mod.ExportedFunction(abi.PrepareExport); prepare != nil {
		rs.stage = stagePreparing
		if _, err := prepare.Call(ctx); err != nil {
			return rs.explain(err, inst)
		}
	}
	return nil
}

// setStackLimit sets how deep the instance's calls may nest, and reports
// whether it could: an unmetered guest has no limit to set.
func setStackLimit(inst *instance, depth int) bool {
	stack, ok := inst.mod.ExportedGlobal(meter.StackExport).(api.MutableGlobal)
	if ok {
		stack.Set(uint64(depth))
	}
	return ok
}
