//go:build unix

package sandbox

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/internal/meter"
)

// TestChildFillsCacheParentDoesNotRecompile: the compiler child writes the
// machine code to the cache, and the parent's compile of the same bytes
// finds it there: it writes no entry of its own (wazero writes a new file
// and renames it over the old on every compile it does).
func TestChildFillsCacheParentDoesNotRecompile(t *testing.T) {
	t.Parallel()
	if !childSupported {
		t.Skip("no compiler child on this platform")
	}
	cache := t.TempDir()
	e := newTestEngine(t, Options{CacheDir: cache})
	if !e.isolated() {
		t.Fatal("the engine does not compile in a child though TestMain called RunCompilerIfChild")
	}
	m, err := meter.Instrument(variant(okGuest, 7))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	was := cacheFiles(t, cache)
	if err := e.compileInChild(ctx, m.Wasm); err != nil {
		t.Fatal(err)
	}
	after := cacheFiles(t, cache)
	if len(after) != len(was)+1 {
		t.Fatalf("the child added %d cache entries, want 1", len(after)-len(was))
	}
	mod, err := e.runtime.CompileModule(ctx, m.Wasm)
	if err != nil {
		t.Fatal(err)
	}
	defer mod.Close(ctx)
	if again := cacheFiles(t, cache); fmt.Sprint(again) != fmt.Sprint(after) {
		t.Fatalf("the parent compiled again: cache %v, then %v", after, again)
	}
}

// cacheFiles lists the cache's entries with their inode numbers.
func cacheFiles(t *testing.T, dir string) map[string]uint64 {
	t.Helper()
	files := map[string]uint64{}
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err == nil && info.Mode().IsRegular() {
			files[path] = info.Sys().(*syscall.Stat_t).Ino
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestCompileLimits: a compile that breaks its time or memory limit fails
// the run with an error naming the limit, and the engine goes on.
func TestCompileLimits(t *testing.T) {
	t.Parallel()
	if !childSupported {
		t.Skip("no compiler child on this platform")
	}
	for _, tc := range []struct {
		name string
		opts Options
		want string
	}{
		{"time", Options{CompileTimeout: time.Nanosecond}, "job file limited.wasm: compiling took longer than its compile limit of 1ns (compile_timeout)"},
		{"memory", Options{CompileMemory: 16 << 20}, "job file limited.wasm: compiling needed more memory than its compile limit of 16 MiB (compile_memory)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.opts.CacheDir = t.TempDir()
			e := newTestEngine(t, tc.opts)
			job := writeGuest(t, t.TempDir(), "limited.wasm", variant(okGuest, 9), time.Now())
			out := e.Run(context.Background(), job)
			if out.Status != abi.StatusError || out.Error != tc.want {
				t.Fatalf("got %v %q, want %q", out.Status, out.Error, tc.want)
			}
		})
	}
}
