package sched

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/domain"
)

// TestDeactivateWaitingJobThenMoveTheClock: a waiting job deactivated by
// the operator does not run when its time comes, nor after, until it is
// activated and reloaded.
func TestDeactivateWaitingJobThenMoveTheClock(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start(spec("a", time.Minute), spec("b", time.Minute))
	if err := h.sched.SetActive(context.Background(), "a", false); err != nil {
		t.Fatal(err)
	}
	h.expect("a", Deactivated, never)
	h.advance(time.Minute, "b")
	h.advance(time.Hour, "b") // b skips the slots it missed: one run
	h.expect("a", Deactivated, never)

	if err := h.sched.SetActive(context.Background(), "a", true); err != nil {
		t.Fatal(err)
	}
	h.advance(time.Hour, "b") // activation waits for the reload
	h.sched.Reload([]Spec{spec("a", time.Minute), spec("b", time.Minute)})
	h.advance(time.Minute, "a", "b")
}

// holdSlots starts n jobs named hold-<i>, due at 1 s, that keep their CPU
// slot until the returned channel is closed, and returns once all run.
func (h *harness) holdSlots(n int, specs ...Spec) chan struct{} {
	h.t.Helper()
	started, release := make(chan struct{}, n), make(chan struct{})
	for i := range n {
		name := "hold-" + string(rune('a'+i))
		h.runner.set(name, func(context.Context) (abi.Status, string) {
			started <- struct{}{}
			<-release
			return abi.StatusOK, ""
		})
		specs = append(specs, spec(name, time.Second))
	}
	h.start(specs...)
	h.held += n
	h.clock.Advance(time.Second)
	for range n {
		h.within("the holding runs to start", func() { <-started })
	}
	return release
}

// TestDueRunWaitsForASlotWithoutAGoroutine: with every slot taken, a due
// run stays in the ready queue (no goroutine, no runner call) and starts
// when a slot frees; deactivated meanwhile, it does not start at all.
func TestDueRunWaitsForASlotWithoutAGoroutine(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.opts.MaxConcurrent = 1
	release := h.holdSlots(1, spec("due", 2*time.Second), spec("off", 2*time.Second))
	h.advance(time.Second) // due and off come due; no slot
	h.sched.mu.Lock()
	started, ready := h.sched.started, h.sched.ready.len()
	h.sched.mu.Unlock()
	if started != 1 || ready != 2 {
		t.Fatalf("%d runs started, %d ready; want 1 (the holder) and 2", started, ready)
	}
	if err := h.sched.SetActive(context.Background(), "off", false); err != nil {
		t.Fatal(err)
	}
	h.release(release)
	got := map[string]bool{}
	for range 2 {
		got[h.next().Job] = true
	}
	h.requireEmpty()
	if !got["hold-a"] || !got["due"] {
		t.Fatalf("runs %v; want hold-a and due", got)
	}
	h.expect("off", Deactivated, never)
}

// TestReadyRunsStartEarliestDueFirst: runs waiting for the one slot start
// in the order they came due.
func TestReadyRunsStartEarliestDueFirst(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.opts.MaxConcurrent = 1
	var mu sync.Mutex
	var order []string
	for _, name := range []string{"late", "early", "mid"} {
		h.runner.set(name, func(context.Context) (abi.Status, string) {
			mu.Lock()
			defer mu.Unlock()
			order = append(order, name)
			return abi.StatusOK, ""
		})
	}
	release := h.holdSlots(1, spec("late", 4*time.Second), spec("early", 2*time.Second), spec("mid", 3*time.Second))
	h.advance(3 * time.Second) // all three are due by 4 s
	h.release(release)
	for range 4 {
		h.next()
	}
	h.requireEmpty()
	mu.Lock()
	defer mu.Unlock()
	want := []string{"early", "mid", "late"}
	if len(order) != len(want) {
		t.Fatalf("runs in order %v, want %v", order, want)
	}
	for i := range want {
		if order[i] != want[i] {
			t.Fatalf("runs in order %v, want %v", order, want)
		}
	}
}

// sleeper makes a runner function that, like core.sleep, gives its slot up
// until wake is closed.
func sleeper(asleep chan<- struct{}, wake <-chan struct{}) func(context.Context) (abi.Status, string) {
	return func(ctx context.Context) (abi.Status, string) {
		if !domain.OffSlot(ctx, func() { asleep <- struct{}{}; <-wake }) {
			return abi.StatusError, "no slot before the deadline"
		}
		return abi.StatusOK, ""
	}
}

// TestSleepersDoNotStarveACanary: as many sleeping runs as there are CPU
// slots do not keep a canary from running on time.
func TestSleepersDoNotStarveACanary(t *testing.T) {
	t.Parallel()
	const n = 3
	h := newHarness(t)
	h.opts.MaxConcurrent = n
	asleep, wake := make(chan struct{}, n), make(chan struct{})
	specs := []Spec{spec("canary", time.Minute)}
	for i := range n {
		name := "sleeper-" + string(rune('a'+i))
		h.runner.set(name, sleeper(asleep, wake))
		specs = append(specs, spec(name, 30*time.Second))
	}
	h.start(specs...)
	h.held = n
	h.clock.Advance(30 * time.Second)
	for range n {
		h.within("the sleepers to fall asleep", func() { <-asleep })
	}
	r := h.advance(30*time.Second, "canary")
	if r[0].Lateness() != 0 {
		t.Fatalf("the canary started %s late", r[0].Lateness())
	}
	close(wake)
	h.held = 0
	for range n {
		if r := h.next(); r.Outcome.Status != abi.StatusOK {
			t.Fatalf("sleeper %s: %s %s", r.Job, r.Outcome.Status, r.Outcome.Error)
		}
	}
	h.requireEmpty()
}

// TestRunsInFlightAreBounded: sleepers free their CPU slot but not their
// place in flight; with every place taken, a due run waits.
func TestRunsInFlightAreBounded(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.opts.MaxConcurrent, h.opts.MaxInFlight = 1, 2
	asleep, wake := make(chan struct{}, 2), make(chan struct{})
	h.runner.set("s1", sleeper(asleep, wake))
	h.runner.set("s2", sleeper(asleep, wake))
	h.start(spec("s1", time.Second), spec("s2", time.Second), spec("canary", 2*time.Second))
	h.held = 2
	h.clock.Advance(time.Second)
	for range 2 {
		h.within("the sleepers to fall asleep", func() { <-asleep })
	}
	h.advance(time.Second) // the canary is due, but two runs are in flight
	h.expect("canary", Waiting, 2*time.Second)
	close(wake)
	h.held = 0
	got := map[string]int{}
	for range 3 {
		got[h.next().Job]++
	}
	h.requireEmpty()
	if got["canary"] != 1 || got["s1"] != 1 || got["s2"] != 1 {
		t.Fatalf("runs %v", got)
	}
}
