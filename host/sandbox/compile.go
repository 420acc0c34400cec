package sandbox

import (
	"context"
	"fmt"
	"io/fs"
	"os"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/internal/jobfile"
	"github.com/jobbox/jobbox/host/internal/meter"
)

// Compiles of .wasm job files are single-flight per path: the first run to
// find a file new or changed compiles it, outside the engine's lock, and the
// runs that find the same file meanwhile wait for that compile only. Runs of
// other jobs never wait for it. A compile's result, a guest or an error,
// stays until the file changes, so a module that takes its whole compile
// limit to fail costs that once, not once per run.

// compiledFile is the compile of one version of a .wasm job file.
type compiledFile struct {
	version jobfile.Version // under Engine.mu
	done    chan struct{}   // closed once guest or err is set
	// guest holds the map's reference while this is the file's current
	// compile (Engine.wasm); set with err under Engine.mu.
	guest *guest
	err   error
}

// compiledFile returns the guest of a .wasm job file, compiling it when it
// is new or changed, with a reference the caller releases.
func (e *Engine) compiledFile(ctx context.Context, job *Job) (*guest, error) {
	for range 3 {
		c, err := e.current(ctx, job)
		if err != nil {
			return nil, err
		}
		select {
		case <-c.done:
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for job file %s to compile: %w", job.File, ctx.Err())
		}
		if c.err != nil {
			return nil, c.err
		}
		if c.guest.acquire() {
			return c.guest, nil
		}
		// Replaced and closed since: the file changed again. Load anew.
	}
	return nil, fmt.Errorf("job file %s keeps changing while it is loaded; it runs once it holds still", job.File)
}

// current returns the compile of the job file as it is now, starting it
// when there is none. The lock is held only for the map. A file unchanged
// since its compile costs one stat (jobfile.Unchanged). A version not yet
// trusted is still taken while the file's status matches it: recompiling
// at every run until the file settles would cost more than the one gap
// it closes, a rewrite of the same size in the clock tick of the read.
func (e *Engine) current(ctx context.Context, job *Job) (*compiledFile, error) {
	spec := e.fileSpec(job)
	path := job.FilePath()
	e.mu.Lock()
	c := e.wasm[path]
	var seen jobfile.Version
	if c != nil {
		seen = c.version
	}
	e.mu.Unlock()
	if c != nil && jobfile.Unchanged(spec, seen) {
		return c, nil
	}
	f, version, err := e.files.Open(spec)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	e.mu.Lock()
	c, ok := e.wasm[path]
	if ok && c.version.Matches(version.Info()) {
		c.version = version // trusted once the file has held still
		e.mu.Unlock()
		return c, nil
	}
	old := c
	c = &compiledFile{version: version, done: make(chan struct{})}
	e.wasm[path] = c
	if old != nil {
		old.dropLocked()
	}
	e.mu.Unlock()

	g, err := e.compileFile(ctx, job, spec, f, version.Info())
	e.mu.Lock()
	defer e.mu.Unlock()
	c.guest, c.err = g, err
	current := e.wasm[path] == c
	if current && ctx.Err() != nil && err != nil {
		delete(e.wasm, path) // cancelled, not refused: the next run tries again
	}
	close(c.done)
	if g != nil && !current {
		g.release() // replaced while it compiled
	}
	return c, nil
}

// dropLocked gives up the map's reference to a replaced compile; one still
// compiling gives it up when it ends. Call with Engine.mu held.
func (c *compiledFile) dropLocked() {
	select {
	case <-c.done:
		if c.guest != nil {
			c.guest.release()
		}
	default:
	}
}

// compileFile reads an open .wasm job file and compiles it, one compile at
// a time per engine, so a burst of new files leaves the other core to runs.
func (e *Engine) compileFile(ctx context.Context, job *Job, spec jobfile.Spec, f *os.File, st fs.FileInfo) (*guest, error) {
	bin, err := jobfile.ReadOpen(spec, f, st)
	if err != nil {
		return nil, err
	}
	select {
	case e.compiles <- struct{}{}:
		defer func() { <-e.compiles }()
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting to compile job file %s: %w", job.File, ctx.Err())
	}
	if h := e.opts.onCompile; h != nil {
		h(job.File)
	}
	g, err := e.compile(ctx, job.File, bin, true)
	if err != nil {
		return nil, fmt.Errorf("job file %s: %w", job.File, err)
	}
	e.startPool(g, wasmPoolSize)
	return g, nil
}

// compile compiles a guest and checks it against the ABI before any of its
// code can run. bounded compiles it in a child process under the compile
// limits where the engine can (see compilechild.go).
func (e *Engine) compile(ctx context.Context, name string, bin []byte, bounded bool) (*guest, error) {
	g := &guest{name: name, engine: e}
	g.refs.Store(1)
	if !e.opts.Unmetered {
		m, err := meter.Instrument(bin)
		if err != nil {
			return nil, fmt.Errorf("not a valid WebAssembly module: %w", err)
		}
		bin, g.layout, g.tableBytes = m.Wasm, m.Snapshot, m.TableBytes
	}
	if bounded && e.isolated() {
		// The child fills the compilation cache; the compile below then
		// finds the machine code there.
		if err := e.compileInChild(ctx, bin); err != nil {
			return nil, err
		}
	}
	module, err := e.runtime.CompileModule(ctx, bin)
	if err != nil {
		return nil, fmt.Errorf("not a valid WebAssembly module: %w", err)
	}
	if err := checkInterface(module); err != nil {
		module.Close(ctx)
		return nil, err
	}
	g.module = module
	for _, f := range module.ImportedFunctions() {
		if mod, name, _ := f.Import(); mod == abi.HostModule && name == abi.FuncSources {
			g.usesSources = true
		}
	}
	return g, nil
}
