// Package sandboxtest runs job code in a jobbox sandbox from a Go test: a
// Lua source or a compiled guest, at a time the test fixes, under the limits
// and grants it chooses, and hands back the outcome. jobbox's own tests use
// it, and so can authors of guests built with guest-sdk:
//
//	func TestMyGuest(t *testing.T) {
//		e := sandboxtest.NewEngine(t, sandboxtest.Options{Now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)})
//		out := sandboxtest.RunFile(t, e, "myguest.wasm", sandboxtest.Job{})
//		if out.Status != abi.StatusOK {
//			t.Fatalf("%v: %s", out.Status, out.Error)
//		}
//	}
package sandboxtest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jobbox/jobbox/host/sandbox"
)

// Options configure a test engine.
type Options struct {
	// Now is the time the guests see, fixed; zero uses the real clock.
	Now time.Time
	// Location is what the helpers call local time; UTC when nil, so a
	// test does not depend on the machine's zone.
	Location *time.Location
	// CacheDir holds the compilation cache. Empty shares one directory
	// under os.TempDir among test runs, so the Lua guest (a few seconds to
	// compile) compiles once per machine, not once per test binary.
	CacheDir string
}

// NewEngine starts an engine for t, closed when t ends.
func NewEngine(t testing.TB, o Options) *sandbox.Engine {
	t.Helper()
	opts := sandbox.Options{CacheDir: o.CacheDir, Location: o.Location}
	if opts.CacheDir == "" {
		opts.CacheDir = SharedCacheDir()
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if at := o.Now; !at.IsZero() {
		opts.Now = func() time.Time { return at }
	}
	e, err := sandbox.New(context.Background(), opts)
	if err != nil {
		t.Fatalf("starting a sandbox engine: %v", err)
	}
	t.Cleanup(func() { _ = e.Close(context.Background()) })
	return e
}

// Job is what a test sets of the job it runs; the zero value runs under
// the default limits with no core module granted.
type Job struct {
	Name    string         // the job's name; the file's base name if empty
	Limits  sandbox.Limits // zero fields take the defaults
	Modules sandbox.Modules
}

// RunLua writes src to a job file in a temporary directory and runs it once.
func RunLua(t testing.TB, e *sandbox.Engine, src string, j Job) sandbox.Outcome {
	t.Helper()
	name := j.Name
	if name == "" {
		name = "job"
	}
	path := filepath.Join(t.TempDir(), name+".lua")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatalf("writing the job file: %v", err)
	}
	return RunFile(t, e, path, j)
}

// RunFile runs the job file at path (a .lua file or a .wasm guest) once.
func RunFile(t testing.TB, e *sandbox.Engine, path string, j Job) sandbox.Outcome {
	t.Helper()
	return e.Run(context.Background(), JobOf(path, j))
}

// JobOf is the sandbox job that runs path as j says.
func JobOf(path string, j Job) sandbox.Job {
	name := j.Name
	if name == "" {
		name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	return sandbox.Job{Name: name, File: path, Limits: j.Limits, Modules: j.Modules}
}
