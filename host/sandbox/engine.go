// Package sandbox runs job code in WebAssembly instances with no ambient
// authority (no files, environment, arguments or sockets), a memory cap, a
// time limit and a stack limit; the guest reaches the outside world only
// through the host functions of package abi (hostcall.go, host_*.go).
//
// A run does not start a fresh instance: each guest is initialised once and
// snapshotted, and runs take clones of the snapshot from a pool, which are
// reset to the snapshot after their run and reused (snapshot.go, pool.go,
// reset.go). A guest that cannot be snapshotted, and a run whose memory
// limit the snapshot does not fit, get a fresh instance. Either way a run
// sees the guest's initial state, never what an earlier run left.
package sandbox

import (
	"context"
	"crypto/rand"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tetratelabs/wazero"

	"github.com/jobbox/jobbox/host/internal/jobfile"
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

// Engine compiles guests once and runs each job run in an instance no other
// run uses meanwhile: a clone of a snapshot of the initialised guest where
// it can be, reset and reused after the run, or a fresh instance.
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

	files   jobfile.Cache // the job files runs read, and their directories
	sources sourceSet     // Lua job files, for snapshots to hold compiled
	// badSources holds off offering job files to snapshots after a
	// snapshot failed to compile them (see sourcesBackoff).
	badSources sourcesBackoff

	closing sync.WaitGroup // instances being closed after their runs
	live    atomic.Int64   // instances open, for Instances
}

// SetLocation changes the timezone the helpers call local time, for runs
// that start after it returns (a reload that changes timezone).
func (e *Engine) SetLocation(loc *time.Location) { e.location.Store(loc) }

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
	e.files.Close()
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

func (e *Engine) walltime() (int64, int32) {
	t := e.opts.Now()
	return t.Unix(), int32(t.Nanosecond())
}
