package sandbox

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jobbox/jobbox/abi"
)

// okGuest is the smallest guest that runs and returns OK:
//
//	(module
//	  (memory (export "memory") 1)
//	  (func (export "_initialize"))
//	  (func (export "jobbox_abi_version") (result i32) (i32.const 0x10000))
//	  (func (export "jobbox_run") (result i32) (i32.const 1)))
var okGuest = []byte{
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x60,
	0x00, 0x00, 0x60, 0x00, 0x01, 0x7f, 0x03, 0x04, 0x03, 0x00, 0x01, 0x01,
	0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x3a, 0x04, 0x06, 0x6d, 0x65, 0x6d,
	0x6f, 0x72, 0x79, 0x02, 0x00, 0x0b, 0x5f, 0x69, 0x6e, 0x69, 0x74, 0x69,
	0x61, 0x6c, 0x69, 0x7a, 0x65, 0x00, 0x00, 0x12, 0x6a, 0x6f, 0x62, 0x62,
	0x6f, 0x78, 0x5f, 0x61, 0x62, 0x69, 0x5f, 0x76, 0x65, 0x72, 0x73, 0x69,
	0x6f, 0x6e, 0x00, 0x01, 0x0a, 0x6a, 0x6f, 0x62, 0x62, 0x6f, 0x78, 0x5f,
	0x72, 0x75, 0x6e, 0x00, 0x02, 0x0a, 0x10, 0x03, 0x02, 0x00, 0x0b, 0x06,
	0x00, 0x41, 0x80, 0x80, 0x04, 0x0b, 0x04, 0x00, 0x41, 0x01, 0x0b,
}

// variant returns a guest whose bytes differ from every other variant's,
// so wazero compiles each anew: its memory's minimum size is n pages more.
// (The rewrite drops custom sections, so one cannot tell them apart.) The
// minimum is rewritten in as many LEB128 bytes as it had, so no size moves.
func variant(guest []byte, n int) []byte {
	out := append([]byte{}, guest...)
	for at := 8; at < len(out); {
		id := out[at]
		size, w := binary.Uvarint(out[at+1:]) // LEB128
		body := at + 1 + w
		if id == 5 { // memory: count, flags, minimum
			lo := body + 2
			min, mw := binary.Uvarint(out[lo:])
			v := min + uint64(n)
			for i := range mw {
				b := byte(v & 0x7f)
				if v >>= 7; i < mw-1 {
					b |= 0x80
				}
				out[lo+i] = b
			}
			if v != 0 {
				panic("variant: the new minimum does not fit")
			}
			return out
		}
		at = body + int(size)
	}
	panic("variant: no memory section")
}

// writeGuest writes bin as dir/name with modification time mtime, and
// returns its job.
func writeGuest(t testing.TB, dir, name string, bin []byte, mtime time.Time) Job {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, bin, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	return Job{Name: strings.TrimSuffix(name, ".wasm"), File: name, Path: path}
}

func newTestEngine(t testing.TB, opts Options) *Engine {
	t.Helper()
	if opts.CacheDir == "" {
		opts.CacheDir = testCacheDir()
	}
	e, err := New(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close(context.Background()) })
	return e
}

// hangGuard fails the test when ch gives nothing for a long time: a guard
// against hangs, not a timing assertion.
func hangGuard[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(60 * time.Second):
		t.Fatalf("no %s after 60s", what)
		panic("unreachable")
	}
}

// TestSlowCompileDoesNotBlockOtherRuns: while one .wasm job's compile is
// held, another compiled job keeps running, and a second run of the held
// job waits for the same compile instead of starting its own.
func TestSlowCompileDoesNotBlockOtherRuns(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	release := make(chan struct{})
	started := make(chan string, 10)
	e := newTestEngine(t, Options{onCompile: func(file string) {
		started <- file
		if file == "slow.wasm" {
			<-release
		}
	}})
	fast := writeGuest(t, dir, "fast.wasm", okGuest, time.Now())
	if out := e.Run(context.Background(), fast); out.Status != abi.StatusOK {
		t.Fatalf("fast: %v %s", out.Status, out.Error)
	}
	<-started
	slow := writeGuest(t, dir, "slow.wasm", variant(okGuest, 1), time.Now())
	slowDone := make(chan Outcome, 2)
	for range 2 {
		go func() { slowDone <- e.Run(context.Background(), slow) }()
	}
	if f := hangGuard(t, started, "compile of slow.wasm"); f != "slow.wasm" {
		t.Fatalf("compiling %s", f)
	}
	for i := range 5 {
		ran := make(chan Outcome, 1)
		go func() { ran <- e.Run(context.Background(), fast) }()
		if out := hangGuard(t, ran, fmt.Sprintf("run %d of fast.wasm while slow.wasm compiles", i)); out.Status != abi.StatusOK {
			t.Fatalf("fast: %v %s", out.Status, out.Error)
		}
	}
	close(release)
	for range 2 {
		if out := hangGuard(t, slowDone, "run of slow.wasm"); out.Status != abi.StatusOK {
			t.Fatalf("slow: %v %s", out.Status, out.Error)
		}
	}
	select {
	case f := <-started:
		t.Fatalf("%s compiled again: the compile is not single-flight", f)
	default:
	}
}

// TestEditsCloseReplacedGuests edits a .wasm job 50 times, running it after
// each edit: every replaced guest is closed (its pool and compiled code),
// and the host's memory stays flat (logged, not asserted).
func TestEditsCloseReplacedGuests(t *testing.T) {
	t.Parallel()
	const edits = 50
	dir := t.TempDir()
	retired := make(chan string, edits)
	e := newTestEngine(t, Options{onRetire: func(file string) { retired <- file }})
	base := time.Now().Add(-time.Hour)
	run := func(i int) {
		job := writeGuest(t, dir, "edited.wasm", variant(okGuest, i), base.Add(time.Duration(i)*time.Second))
		if out := e.Run(context.Background(), job); out.Status != abi.StatusOK {
			t.Fatalf("edit %d: %v %s", i, out.Status, out.Error)
		}
	}
	run(0)
	before := heapInUse()
	for i := 1; i <= edits; i++ {
		run(i)
	}
	for i := range edits {
		hangGuard(t, retired, fmt.Sprintf("close of replaced guest %d", i+1))
	}
	t.Logf("heap in use: %d KiB before %d edits, %d KiB after", before>>10, edits, heapInUse()>>10)
	select {
	case f := <-retired:
		t.Fatalf("the current guest %s was closed too", f)
	default:
	}
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// TestConcurrentLoadsAndEdits hammers one path with runs while it is edited,
// for -race: every run ends, and the engine closes cleanly.
func TestConcurrentLoadsAndEdits(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	e := newTestEngine(t, Options{})
	base := time.Now().Add(-time.Hour)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10 {
				n := w*10 + i
				mu.Lock()
				job := writeGuest(t, dir, "hammer.wasm", variant(okGuest, n), base.Add(time.Duration(n)*time.Second))
				mu.Unlock()
				out := e.Run(context.Background(), job)
				// A run may read a file half written, or lose its compile
				// to the next edit three times over; nothing else.
				if out.Status != abi.StatusOK && !strings.Contains(out.Error, "not a valid WebAssembly module") &&
					!strings.Contains(out.Error, "keeps changing while it is loaded") {
					t.Errorf("run %d: %v %s", n, out.Status, out.Error)
				}
			}
		}()
	}
	wg.Wait()
}
