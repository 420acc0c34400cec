package sandbox

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/jobbox/jobbox/host/internal/jobfile"
)

// Default caps of job files (Options.MaxLuaFile, MaxWasmFile).
const (
	defaultMaxLuaFile  = 1 << 20
	defaultMaxWasmFile = 64 << 20
)

// load returns the guest that runs job, with a reference the run releases
// (guest.release): the Lua guest for .lua files (whose source it reads now,
// from memory while the file is unchanged, so edits apply at the next
// run), the file itself for .wasm.
func (e *Engine) load(ctx context.Context, rs *runState) (*guest, error) {
	job := rs.job
	switch ext := strings.ToLower(filepath.Ext(job.File)); ext {
	case ".lua":
		src, err := e.readJobFile(job)
		if err != nil {
			return nil, err
		}
		rs.source = src
		if !rs.checking {
			e.sources.note(job, rs.source)
		}
		e.lua.acquire()
		return e.lua, nil
	case ".wasm":
		g, err := e.compiledFile(ctx, job)
		if err == nil && !rs.checking {
			g.serve(job.Limits) // its snapshots take the tightest limits of its jobs
		}
		return g, err
	default:
		return nil, fmt.Errorf("job file %s: unknown kind %q: a job is a .lua file or a .wasm guest", job.File, ext)
	}
}

// fileSpec says how to open job's file: without blocking, inside its
// root, a regular file within the cap of its kind (package jobfile).
func (e *Engine) fileSpec(job *Job) jobfile.Spec {
	s := jobfile.Spec{Name: job.File, Path: job.FilePath(), Root: job.Root, Max: e.opts.MaxLuaFile, MaxKey: "max_lua_file"}
	if strings.ToLower(filepath.Ext(job.File)) == ".wasm" {
		s.Max, s.MaxKey = e.opts.MaxWasmFile, "max_wasm_file"
	}
	return s
}

func (e *Engine) readJobFile(job *Job) (string, error) {
	return e.files.Read(e.fileSpec(job))
}

// Prepare readies job's first run: it compiles a .wasm guest, and offers a
// Lua file to the next snapshots (see sourceSet).
func (e *Engine) Prepare(ctx context.Context, job Job) error {
	switch strings.ToLower(filepath.Ext(job.File)) {
	case ".wasm":
		g, err := e.compiledFile(ctx, &job)
		if err != nil {
			return err
		}
		g.serve(job.Limits)
		g.release()
	case ".lua":
		if !e.sources.has(&job) {
			if src, err := e.readJobFile(&job); err == nil {
				e.sources.note(&job, src)
			}
		}
	}
	return nil
}

// setLoadingDefaults fills the file caps and compile bounds left unset.
func (o *Options) setLoadingDefaults() {
	if o.MaxLuaFile <= 0 {
		o.MaxLuaFile = defaultMaxLuaFile
	}
	if o.MaxWasmFile <= 0 {
		o.MaxWasmFile = defaultMaxWasmFile
	}
	if o.CompileTimeout <= 0 {
		o.CompileTimeout = defaultCompileTimeout
	}
	if o.CompileMemory == 0 {
		o.CompileMemory = defaultCompileMemory
	}
}
