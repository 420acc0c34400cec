// Package sandbox runs job code in WebAssembly instances. Each run gets a
// fresh wazero instance with no ambient authority (no files, environment,
// arguments or sockets), a memory cap and a time limit; the guest reaches
// the outside world only through the host functions of package abi.
package sandbox

import (
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/internal/meter"
	"github.com/jobbox/jobbox/host/luawasm"
)

var _ Runner = (*Engine)(nil)

// Options configure an Engine.
type Options struct {
	// CacheDir holds wazero's compilation cache, so a restart does not
	// recompile the guests. Empty keeps the cache in memory.
	CacheDir string
	// Now is the clock the guests see (the helpers, os.time). Defaults to time.Now.
	Now func() time.Time
	// Location is the timezone of "local time" in the helpers. Defaults to time.Local.
	Location *time.Location
	// OnLog receives each line a job logs, as it is logged.
	OnLog func(job, line string)

	// MaxLuaFile and MaxWasmFile cap the size of job files of each kind;
	// 1 MiB and 64 MiB when zero.
	MaxLuaFile, MaxWasmFile int64
	// CompileTimeout and CompileMemory bound compiling one .wasm guest, in
	// a child process where the engine can (see compilechild.go); 20s and
	// 1 GiB when zero.
	CompileTimeout time.Duration
	CompileMemory  uint64

	// Unmetered compiles guests without the fuel and stack-depth rewrite
	// (package meter), so runs have no time limit and no stack limit, and
	// every run starts a fresh instance. It exists only to measure what the
	// rewrite costs; never run untrusted code with it.
	Unmetered bool
	// FreshInstances starts every run in a new instance initialised from
	// scratch instead of a clone of a snapshot (see snapshot.go). It exists
	// to measure what the snapshots save; runs are as isolated either way.
	FreshInstances bool

	// hostOverrides replaces host functions, for this package's tests.
	hostOverrides map[string]hostImpl
	// onCompile is called as a .wasm compile starts, and onRetire once a
	// replaced guest is closed, for this package's tests.
	onCompile, onRetire func(file string)
}

// Engine compiles guests once and runs each job run in an instance of its
// own, a clone of a snapshot of the initialised guest where it can be.
type Engine struct {
	opts    Options
	runtime wazero.Runtime
	lua     *guest
	// moduleConfig is what every instance shares; each adds its output.
	moduleConfig wazero.ModuleConfig

	location atomic.Pointer[time.Location] // "local time" of the helpers

	mu   sync.Mutex
	wasm map[string]*compiledFile // compiled guests by path
	// compiles bounds the .wasm compiles running at once.
	compiles chan struct{}

	sources sourceSet // Lua job files, for snapshots to hold compiled
	// badSources holds off offering job files to snapshots after a
	// snapshot failed to compile them (see sourcesBackoff).
	badSources sourcesBackoff

	closing sync.WaitGroup // instances being closed after their runs
}

// SetLocation changes the timezone the helpers call local time, for runs
// that start after it returns (a reload that changes timezone).
func (e *Engine) SetLocation(loc *time.Location) { e.location.Store(loc) }

// guest is a compiled guest module.
type guest struct {
	name   string // "the Lua guest", or the job file
	module wazero.CompiledModule
	// layout says how to snapshot an instance, and pool clones the
	// snapshot; both are nil when a run must start a fresh instance.
	layout *meter.Snapshot
	pool   *pool
	// tableBytes is the most host memory its tables can take, which
	// counts against a run's memory limit (meter.Module.TableBytes).
	tableBytes uint64
	// usesSources is set when the guest imports abi.FuncSources, so its
	// snapshots hold what the engine's source set held when taken.
	usesSources bool
	// init bounds its snapshots (see guestlimits.go).
	init initLimits
	// refs counts the runs using the guest, and the engine's own reference
	// while it is current; the last release closes it (compile.go).
	refs   atomic.Int32
	engine *Engine
}

// startPool starts cloning g's snapshots, when g can be snapshotted.
func (e *Engine) startPool(g *guest, size int) {
	if g.layout != nil && !e.opts.FreshInstances {
		g.pool = newPool(e, g, size)
	}
}

// New starts an engine and compiles the Lua guest.
func New(ctx context.Context, opts Options) (*Engine, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Location == nil {
		opts.Location = time.Local
	}
	opts.setLoadingDefaults()
	// No WithCloseOnContextDone: it makes every loop header call out to Go.
	// Guests are rewritten to check the deadline themselves (package meter).
	cfg, err := runtimeConfig(opts.CacheDir)
	if err != nil {
		return nil, err
	}
	rt := wazero.NewRuntimeWithConfig(ctx, cfg)
	e := &Engine{opts: opts, runtime: rt, wasm: map[string]*compiledFile{}, compiles: make(chan struct{}, 1)}
	e.moduleConfig = wazero.NewModuleConfig().
		WithName("").
		// _initialize is called by initialize, once the stack limit is set.
		WithStartFunctions().
		WithRandSource(rand.Reader).
		WithWalltime(e.walltime, 1).
		// The real monotonic clock, shared by every instance: a clone goes
		// on from the time its snapshot saw, never back.
		WithSysNanotime()
	e.location.Store(opts.Location)
	if err := instantiateWASI(ctx, rt); err != nil {
		rt.Close(ctx)
		return nil, fmt.Errorf("instantiating WASI: %w", err)
	}
	if err := e.instantiateMeter(ctx); err != nil {
		rt.Close(ctx)
		return nil, fmt.Errorf("instantiating the meter: %w", err)
	}
	if err := e.instantiateHost(ctx); err != nil {
		rt.Close(ctx)
		return nil, err
	}
	// The Lua guest is ours, not a job's: compiled in process.
	lua, err := e.compile(ctx, "the Lua guest", luawasm.Wasm, false)
	if err != nil {
		rt.Close(ctx)
		return nil, fmt.Errorf("compiling the Lua guest: %w", err)
	}
	e.lua = lua
	lua.serve(DefaultLimits()) // see Engine.snapshot for the job files' limits
	e.startPool(lua, luaPoolSize)
	return e, nil
}

// runtimeConfig is the runtime's config, with a compilation cache in dir
// unless it is empty. The compiler child builds its runtime with it too, so
// both compute the same cache keys.
func runtimeConfig(dir string) (wazero.RuntimeConfig, error) {
	cfg := wazero.NewRuntimeConfigCompiler()
	if dir != "" {
		cache, err := newCacheWithDir(dir)
		if err != nil {
			return nil, fmt.Errorf("opening the compilation cache in %s: %w", dir, err)
		}
		cfg = cfg.WithCompilationCache(cache)
	}
	return cfg, nil
}

// cacheMu serialises building file compilation caches: in wazero v1.12.0 it
// fills a package variable without synchronisation, a data race when two
// engines start at once (wazero/wazero#2532, fixed after that release).
var cacheMu sync.Mutex

func newCacheWithDir(dir string) (wazero.CompilationCache, error) {
	cacheMu.Lock()
	defer cacheMu.Unlock()
	return wazero.NewCompilationCacheWithDir(dir)
}

// Close releases the runtime and every compiled module. Call it once no
// run is in flight.
func (e *Engine) Close(ctx context.Context) error {
	e.mu.Lock()
	guests := e.guests()
	e.mu.Unlock()
	for _, g := range guests {
		if g.pool != nil {
			g.pool.close()
			g.pool.wait()
		}
	}
	e.closing.Wait()
	for _, g := range guests {
		if g.pool != nil {
			g.pool.drain(ctx) // clones given back as the pool closed
		}
	}
	return e.runtime.Close(ctx)
}

// guests lists the Lua guest and the compiled job files. Call with e.mu held.
func (e *Engine) guests() []*guest {
	all := []*guest{e.lua}
	for _, c := range e.wasm {
		if c.guest != nil {
			all = append(all, c.guest)
		}
	}
	return all
}

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

// checkInterface refuses a module that imports what the host does not offer
// or lacks the exports the host calls.
func checkInterface(m wazero.CompiledModule) error {
	var problems []string
	for _, f := range m.ImportedFunctions() {
		mod, name, _ := f.Import()
		switch {
		case mod == abi.HostModule:
			if !isHostFunc(name) {
				problems = append(problems, fmt.Sprintf("it imports %s.%s, which this host (ABI %d.%d) does not offer", mod, name, abi.VersionMajor, abi.VersionMinor))
			} else if !hostSignature(f) {
				problems = append(problems, fmt.Sprintf("it imports %s.%s with the wrong signature (want (i32, i32, i32, i32) -> i64)", mod, name))
			}
		case mod == wasi_snapshot_preview1.ModuleName, mod == meter.ImportModule:
		case strings.HasPrefix(mod, "jobbox_v"):
			problems = append(problems, fmt.Sprintf("it was built for jobbox ABI %s; this host speaks ABI v%d", strings.TrimPrefix(mod, "jobbox_"), abi.VersionMajor))
		default:
			problems = append(problems, fmt.Sprintf("it imports %s.%s, which jobbox does not offer", mod, name))
		}
	}
	for _, imp := range m.ImportedMemories() {
		mod, name, _ := imp.Import()
		problems = append(problems, fmt.Sprintf("it imports memory %s.%s; a guest must define its own", mod, name))
	}
	exports := m.ExportedFunctions()
	var missing []string
	for _, want := range []struct {
		name    string
		results []api.ValueType
	}{
		{abi.InitializeExport, nil},
		{abi.VersionExport, []api.ValueType{api.ValueTypeI32}},
		{abi.RunExport, []api.ValueType{api.ValueTypeI32}},
	} {
		f, ok := exports[want.name]
		if !ok {
			missing = append(missing, want.name)
			continue
		}
		if len(f.ParamTypes()) != 0 || !equalTypes(f.ResultTypes(), want.results) {
			problems = append(problems, fmt.Sprintf("its export %s has the wrong signature", want.name))
		}
	}
	if len(missing) > 0 {
		problems = append(problems, fmt.Sprintf("it does not export %s (build it with the jobbox guest SDK and -buildmode=c-shared)", strings.Join(missing, ", ")))
	}
	if _, ok := m.ExportedMemories()["memory"]; !ok {
		problems = append(problems, "it does not export its memory as \"memory\"")
	}
	if len(problems) > 0 {
		return fmt.Errorf("the guest cannot run here: %s", strings.Join(problems, "; "))
	}
	return nil
}

func isHostFunc(name string) bool {
	for _, f := range abi.HostFuncs() {
		if f == name {
			return true
		}
	}
	return false
}

func hostSignature(f api.FunctionDefinition) bool {
	i32 := api.ValueTypeI32
	return equalTypes(f.ParamTypes(), []api.ValueType{i32, i32, i32, i32}) &&
		equalTypes(f.ResultTypes(), []api.ValueType{api.ValueTypeI64})
}

func equalTypes(a, b []api.ValueType) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
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

func (e *Engine) walltime() (int64, int32) {
	t := e.opts.Now()
	return t.Unix(), int32(t.Nanosecond())
}

// exitCodeAborted is the exit code a host function closes an instance with
// when the run broke a limit; runState.aborted says which.
const exitCodeAborted = 0xa0

// explain turns an error from instantiating or calling a guest into the
// sentence stored as the job's last error. It names what ended the call:
// the deadline when it passed, even if the memory allocator had refused a
// grow meanwhile (a guest refused memory may spin until then); otherwise a
// limit a host function enforced; otherwise a refused grow, which a guest
// usually fails for in some other way (a trap, an exit); and the stage.
func (rs *runState) explain(err error, inst *instance) error {
	during := rs.stage.during()
	if !rs.timedOut && !rs.deadline.IsZero() && !time.Now().Before(rs.deadline) && rs.aborted == "" {
		rs.abortAtDeadline(context.Background(), "")
	}
	refused := inst != nil && inst.mem.exceeded.Load()
	if rs.timedOut && refused {
		return fmt.Errorf("%s, after its memory limit of %s refused it more memory", rs.aborted, formatBytes(rs.job.Limits.MemoryBytes))
	}
	if rs.aborted != "" {
		return errors.New(rs.aborted)
	}
	if refused {
		return fmt.Errorf("memory limit of %s exceeded%s", formatBytes(rs.job.Limits.MemoryBytes), during)
	}
	var exit *sys.ExitError
	if errors.As(err, &exit) {
		if msg := rs.output.summary(); msg != "" {
			return fmt.Errorf("the guest exited with code %d%s: %s", exit.ExitCode(), during, msg)
		}
		return fmt.Errorf("the guest exited with code %d%s", exit.ExitCode(), during)
	}
	msg, _, _ := strings.Cut(err.Error(), "\n")
	if msg == "" {
		msg = err.Error()
	}
	if s := rs.output.summary(); s != "" {
		msg += " (" + s + ")"
	}
	return fmt.Errorf("the guest trapped%s: %s", during, msg)
}

func formatBytes(n uint64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// withDefaults fills each limit l leaves unset (zero or less) from
// DefaultLimits. Runs resolve their limits once, so the host functions read
// plain values.
func withDefaults(l Limits) Limits {
	d := DefaultLimits()
	orDefault(&d.Timeout, l.Timeout)
	orDefault(&d.MemoryBytes, l.MemoryBytes)
	orDefault(&d.LogLines, l.LogLines)
	orDefault(&d.LogBytes, l.LogBytes)
	orDefault(&d.HostCalls, l.HostCalls)
	orDefault(&d.CallBytes, l.CallBytes)
	orDefault(&d.RunBytes, l.RunBytes)
	orDefault(&d.StackDepth, l.StackDepth)
	return d
}

// orDefault sets *dst to v when v is set (positive).
func orDefault[T int | int64 | uint64 | time.Duration](dst *T, v T) {
	if v > 0 {
		*dst = v
	}
}

// DefaultLimits returns the limits that apply where a job sets none.
func DefaultLimits() Limits {
	return Limits{
		Timeout:     30 * time.Second,
		MemoryBytes: 64 << 20,
		LogLines:    1000,
		LogBytes:    64 << 10,
		HostCalls:   100_000,
		CallBytes:   1 << 20,
		RunBytes:    64 << 20,
		StackDepth:  meter.DefaultStackDepth,
	}
}
