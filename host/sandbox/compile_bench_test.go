//go:build unix

package sandbox

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/internal/meter"
	"github.com/jobbox/jobbox/host/luawasm"
)

// BenchmarkCompileLuaGuest compiles the rewritten Lua guest (6 MB) with an
// empty cache: in process, and in the compiler child followed by the
// parent's compile that reads the child's result from the cache. The child
// case reports the child's peak RSS.
func BenchmarkCompileLuaGuest(b *testing.B) {
	m, err := meter.Instrument(luawasm.Wasm)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.Run("in-process", func(b *testing.B) {
		for b.Loop() {
			rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigCompiler())
			if _, err := rt.CompileModule(ctx, m.Wasm); err != nil {
				b.Fatal(err)
			}
			rt.Close(ctx)
		}
	})
	b.Run("child", func(b *testing.B) {
		var rss int64
		for b.Loop() {
			dir := b.TempDir()
			rss = max(rss, runChild(b, dir, m.Wasm))
			cfg, err := runtimeConfig(dir)
			if err != nil {
				b.Fatal(err)
			}
			rt := wazero.NewRuntimeWithConfig(ctx, cfg)
			if _, err := rt.CompileModule(ctx, m.Wasm); err != nil {
				b.Fatal(err)
			}
			rt.Close(ctx)
		}
		b.ReportMetric(float64(rss)/1024, "child-peak-rss-MiB")
	})
}

// runChild runs the compiler child as compileInChild does and returns its
// peak RSS in KiB.
func runChild(b *testing.B, dir string, bin []byte) int64 {
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(exe)
	cmd.Env = []string{childEnv + "=" + dir, childMemoryEnv + "=" + strconv.Itoa(defaultCompileMemory),
		childCPUEnv + "=60", "GOMAXPROCS=1"}
	cmd.Stdin = bytes.NewReader(bin)
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("%v: %s", err, out)
	}
	return cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss
}

// BenchmarkEditGuest50Times edits a compiled Go guest (jobs/hello-go.wasm,
// made distinct by a custom section) 50 times in one engine, running it
// after each edit, and reports the host's RSS and Go heap growth: flat
// when replaced guests are closed.
func BenchmarkEditGuest50Times(b *testing.B) {
	src, err := os.ReadFile(filepath.Join("..", "..", "jobs", "hello-go.wasm"))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		retired := make(chan string, 100)
		e, err := New(context.Background(), Options{onRetire: func(f string) { retired <- f }})
		if err != nil {
			b.Fatal(err)
		}
		dir := b.TempDir()
		base := time.Now().Add(-time.Hour)
		edit := func(i int) {
			job := writeGuest(b, dir, "hello-go.wasm", variant(src, i), base.Add(time.Duration(i)*time.Second))
			if out := e.Run(context.Background(), job); out.Status != abi.StatusOK {
				b.Fatalf("edit %d: %s", i, out.Error)
			}
		}
		edit(0)
		edit(1)
		<-retired
		rss0, heap0 := rssKiB(b), heapInUse()
		for i := 2; i <= 51; i++ {
			edit(i)
		}
		for range 50 {
			<-retired
		}
		rss1, heap1 := rssKiB(b), heapInUse()
		b.ReportMetric(float64(rss1-rss0)/1024, "rss-growth-MiB")
		b.ReportMetric(float64(int64(heap1)-int64(heap0))/(1<<20), "heap-growth-MiB")
		b.Logf("RSS %d -> %d KiB, heap in use %d -> %d KiB over 50 edits", rss0, rss1, heap0>>10, heap1>>10)
		e.Close(context.Background())
	}
}

// rssKiB is this process's resident set, from /proc (Linux only).
func rssKiB(b *testing.B) int64 {
	runtime.GC()
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Skip("no /proc/self/status")
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var n int64
			fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(v), " kB"), &n)
			return n
		}
	}
	return 0
}
