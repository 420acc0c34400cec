//go:build linux

package sandbox

import (
	"context"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/tetratelabs/wazero/api"
)

// BenchmarkContainment runs every guest of the hostile corpus (the
// compiled guests of tests/guests and the Lua jobs of tests/hostile), one
// at a time under a 500 ms limit and 32 MiB, while another goroutine
// forces garbage collections. It reports the longest wall time any guest
// ran between two returns to the host (refuel or a host function), in wall
// time and in its thread's CPU time, which bounds how long it can hold off
// a stop-the-world, and the longest GC stop-the-world pause seen (the
// upper bound of its bucket in runtime/metrics). Run it with -benchtime 1x,
// on an idle machine for wall-time figures that mean much.
func BenchmarkContainment(b *testing.B) {
	e := testEngine(b)
	guests, _ := filepath.Glob(filepath.Join("..", "..", "tests", "guests", "*.wasm"))
	lua, _ := filepath.Glob(filepath.Join("..", "..", "tests", "hostile", "*.lua"))
	guests = append(guests, lua...)
	if len(guests) == 0 {
		b.Fatal("no corpus")
	}
	gaps := &gapRecorder{last: map[api.Module]time.Time{}, lastCPU: map[api.Module]threadTime{}}
	hostReturned = gaps.record
	defer func() { hostReturned = nil }()

	limits := DefaultLimits()
	limits.Timeout, limits.MemoryBytes = 500*time.Millisecond, 32<<20
	run := func(path string) (name string, out Outcome) {
		name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
		return name, e.Run(context.Background(), Job{Name: name, File: filepath.Base(path), Path: path, Limits: limits})
	}
	var worst, worstCPU, pause time.Duration
	var worstGuest, worstCPUGuest, pauseGuest string
	for b.Loop() {
		// First the gaps, with no more garbage collection than the runs
		// cause: a forced one runs its workers on the guest's thread
		// while the guest waits in the host, which the CPU time would
		// count.
		for _, path := range guests {
			gaps.reset()
			name, out := run(path)
			gap, cpu := gaps.max()
			b.Logf("%-24s longest gap %8.3f ms wall, %6.3f ms CPU (%s: %.40s)", name, ms(gap), ms(cpu), out.Status, out.Error)
			if gap > worst {
				worst, worstGuest = gap, name
			}
			if cpu > worstCPU {
				worstCPU, worstCPUGuest = cpu, name
			}
		}
		// Then the pauses, with collections forced all the while.
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
					runtime.GC()
				}
			}
		})
		for _, path := range guests {
			before := gcPauses()
			name, _ := run(path)
			p := maxNewPause(before, gcPauses())
			b.Logf("%-24s GC pause under forced collections %8.3f ms", name, ms(p))
			if p > pause {
				pause, pauseGuest = p, name
			}
		}
		close(stop)
		wg.Wait()
	}
	b.Logf("longest gap: %.3f ms wall (%s), %.3f ms CPU (%s); longest GC pause: %.3f ms (%s)",
		ms(worst), worstGuest, ms(worstCPU), worstCPUGuest, ms(pause), pauseGuest)
	b.ReportMetric(ms(worst), "max-gap-ms")
	b.ReportMetric(ms(worstCPU), "max-gap-cpu-ms")
	b.ReportMetric(ms(pause), "max-gc-pause-ms")
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// gapRecorder keeps the longest time between two host returns of one
// instance: in wall time, and in the CPU time of the thread running it.
// Wall time counts the time the OS gave the thread to others; CPU time is
// what the guest's own work took. (A guest stays on its thread between
// host returns: wazero's compiled code has no point where Go could move it.)
type gapRecorder struct {
	mu         sync.Mutex
	last       map[api.Module]time.Time
	lastCPU    map[api.Module]threadTime
	longest    time.Duration
	longestCPU time.Duration
}

// record is called as the guest enters the host, and the function it
// returns as the host returns to the guest.
func (g *gapRecorder) record(mod api.Module) func() {
	now, cpu := time.Now(), threadCPU()
	g.mu.Lock()
	defer g.mu.Unlock()
	if t, ok := g.last[mod]; ok {
		wall := now.Sub(t)
		g.longest = max(g.longest, wall)
		// A thread's CPU time cannot exceed the wall time: a reading that
		// does was taken across a move to another thread.
		if then := g.lastCPU[mod]; then.tid == cpu.tid && cpu.cpu-then.cpu <= wall {
			g.longestCPU = max(g.longestCPU, cpu.cpu-then.cpu)
		}
	}
	return func() {
		now, cpu := time.Now(), threadCPU()
		g.mu.Lock()
		defer g.mu.Unlock()
		g.last[mod], g.lastCPU[mod] = now, cpu
	}
}

type threadTime struct {
	tid int
	cpu time.Duration
}

// threadCPU is the calling thread and its CPU time.
func threadCPU() threadTime {
	const clockThreadCPUTime = 3
	var ts syscall.Timespec
	syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTime, uintptr(unsafe.Pointer(&ts)), 0)
	return threadTime{syscall.Gettid(), time.Duration(ts.Nano())}
}

func (g *gapRecorder) reset() {
	g.mu.Lock()
	defer g.mu.Unlock()
	clear(g.last)
	clear(g.lastCPU)
	g.longest, g.longestCPU = 0, 0
}

func (g *gapRecorder) max() (wall, cpu time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.longest, g.longestCPU
}

const pauseMetric = "/sched/pauses/total/gc:seconds"

func gcPauses() *metrics.Float64Histogram {
	s := []metrics.Sample{{Name: pauseMetric}}
	metrics.Read(s)
	return s[0].Value.Float64Histogram()
}

// maxNewPause is the upper bound of the highest bucket that gained a pause
// between two readings of the pause histogram.
func maxNewPause(before, after *metrics.Float64Histogram) time.Duration {
	for i := len(after.Counts) - 1; i >= 0; i-- {
		if after.Counts[i] > before.Counts[i] {
			upper := after.Buckets[i+1]
			if upper > 1e9 { // the last bucket is unbounded: use its lower bound
				upper = after.Buckets[i]
			}
			return time.Duration(upper * float64(time.Second))
		}
	}
	return 0
}
