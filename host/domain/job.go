// Package domain is the vocabulary the scheduler and the sandbox share: a
// job as the engine runs it, its limits, the outcome of a run, the runner
// that produces it, and the CPU slot a run holds. It imports only the
// standard library and package abi, so the scheduler depends on it without
// linking the WebAssembly runtime (TestDependencyGraph in tests/).
package domain

import (
	"context"
	"errors"
	"time"
)

// Limits bound one run. A limit left unset (zero) takes the engine's
// default.
type Limits struct {
	Timeout     time.Duration // wall time of the run, instantiation included
	MemoryBytes uint64        // linear memory of the instance
	LogLines    int           // core.log calls per run
	LogBytes    int           // bytes logged per run
	HostCalls   int           // host function calls per run
	CallBytes   int           // input bytes of one host call
	RunBytes    int64         // input and output bytes of all host calls in a run
	StackDepth  int           // nested wasm calls
}

// Job is what the engine needs to run a job.
type Job struct {
	Name    string
	File    string // as configured; shown to the guest and in messages
	Path    string // where to read it; File if empty
	Limits  Limits
	Modules Modules // the core modules granted to the job; nil grants none

	// Root is the directory the file must lie in, symlinks resolved
	// (config's job_dirs); the file's own directory if empty.
	Root string
}

// FilePath is where the job's file is read.
func (j Job) FilePath() string {
	if j.Path != "" {
		return j.Path
	}
	return j.File
}

// Modules serve the core modules (data, network, email, mysql) to one
// job, as config.toml grants them. The engine opens a ModuleRun for each
// run that calls a module.
type Modules interface {
	Open() ModuleRun
}

// ModuleRun serves the module calls of one run, so it can count them
// against the run's caps.
type ModuleRun interface {
	// Call runs module.method with the guest's arguments and returns the
	// results Coronium style: [value], or [nil, message] or [nil, message,
	// code]. It returns an error only when the call cannot be made at all;
	// ErrNotGranted when the job lacks the grant, and the run then fails.
	Call(ctx context.Context, module, method string, args []any) ([]any, error)
	// Close releases what the run held.
	Close()
}

// ErrNotGranted is the error of a module call the job has no grant for.
var ErrNotGranted = errors.New("not granted")
