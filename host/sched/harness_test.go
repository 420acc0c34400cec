package sched

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/clock"
	"github.com/jobbox/jobbox/host/domain"
	"github.com/jobbox/jobbox/host/store"
)

var t0 = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

// scriptRunner returns whatever the test's function says for each run, so
// these tests exercise the scheduling semantics alone; the engine's mapping
// of Lua returns to statuses is tested in package domain.
type scriptRunner struct {
	clock *clock.Fake
	mu    sync.Mutex
	fn    map[string]func(ctx context.Context) (abi.Status, string)
}

func (r *scriptRunner) Run(ctx context.Context, job domain.Job) domain.Outcome {
	r.mu.Lock()
	fn := r.fn[job.Name]
	r.mu.Unlock()
	out := domain.Outcome{Start: r.clock.Now(), Status: abi.StatusOK}
	if fn != nil {
		out.Status, out.Error = fn(ctx)
	}
	out.End = r.clock.Now()
	return out
}

func (r *scriptRunner) set(job string, fn func(ctx context.Context) (abi.Status, string)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fn[job] = fn
}

func returns(st abi.Status, msg string) func(context.Context) (abi.Status, string) {
	return func(context.Context) (abi.Status, string) { return st, msg }
}

type harness struct {
	t       *testing.T
	clock   *clock.Fake
	runner  *scriptRunner
	store   *store.Bolt
	path    string
	sched   *Scheduler
	reports chan Report
	// opts are the scheduler's options beyond the harness's own.
	opts Options
	// held is how many runs the test keeps in flight on purpose: settle
	// does not wait for them.
	held int
	// onReport, if set, sees each report before the harness queues it.
	onReport func(Report)
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	fake := clock.NewFake(t0)
	h := &harness{
		t:       t,
		clock:   fake,
		runner:  &scriptRunner{clock: fake, fn: map[string]func(context.Context) (abi.Status, string){}},
		path:    filepath.Join(t.TempDir(), "state.db"),
		reports: make(chan Report, 100),
	}
	h.openStore()
	return h
}

func (h *harness) openStore() {
	s, err := store.OpenBolt(h.path)
	if err != nil {
		h.t.Fatal(err)
	}
	h.store = s
}

func (h *harness) start(specs ...Spec) {
	h.t.Helper()
	opts := h.opts
	opts.Clock, opts.Runner, opts.Store = h.clock, h.runner, h.store
	opts.OnReport = func(r Report) {
		if h.onReport != nil {
			h.onReport(r)
		}
		h.reports <- r
	}
	opts.OnError = func(err error) { h.t.Error(err) }
	h.sched = New(opts)
	if err := h.sched.Start(context.Background(), specs); err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(h.stop)
}

func (h *harness) stop() {
	if h.sched != nil {
		stopped := make(chan struct{})
		go func() { h.sched.Stop(context.Background()); close(stopped) }()
		select {
		case <-stopped:
		case <-time.After(10 * time.Second):
			// A hang guard: report a scheduler that never stops, and
			// leave it, rather than hang the package's tests.
			h.t.Errorf("the scheduler did not stop within 10 s")
			return
		}
		h.sched = nil
	}
	if h.store != nil {
		h.store.Close()
		h.store = nil
	}
}

// restart stops the service and starts a new one on the same store.
func (h *harness) restart(specs ...Spec) {
	h.stop()
	h.openStore()
	h.start(specs...)
}

// advance moves the clock and waits for the run reports it should cause.
func (h *harness) advance(d time.Duration, wantRuns ...string) []Report {
	h.t.Helper()
	h.clock.Advance(d)
	var got []Report
	for range wantRuns {
		select {
		case r := <-h.reports:
			got = append(got, r)
		case <-time.After(10 * time.Second):
			h.t.Fatalf("at %s: waited for runs of %v, got %d", h.clock.Now().Sub(t0), wantRuns, len(got))
		}
	}
	want := map[string]int{}
	for _, w := range wantRuns {
		want[w]++
	}
	for _, r := range got {
		want[r.Job]--
	}
	for _, n := range want {
		if n != 0 {
			h.t.Fatalf("runs at %s: got %v, want %v", h.clock.Now().Sub(t0), got, wantRuns)
		}
	}
	h.requireEmpty()
	return got
}

// requireEmpty fails the test if any run happened that the test has not
// taken the report of: after the loop has handled the clock's time and
// every run it started (but the held ones) has ended (River's RequireEmpty).
func (h *harness) requireEmpty() {
	h.t.Helper()
	h.settle()
	select {
	case r := <-h.reports:
		h.t.Fatalf("at %s: unexpected run of %s (%s, now %s)", h.clock.Now().Sub(t0), r.Job, r.Outcome.Status, r.State)
	default:
	}
}

// settle returns once the loop has made a pass at the clock's current time
// and every run started since, but the held ones, has ended and been
// reported; it repeats while ending runs let others start.
func (h *harness) settle() {
	h.t.Helper()
	s := h.sched
	for {
		done := make(chan struct{})
		h.within("a loop pass", func() { s.sync <- done; <-done })
		s.mu.Lock()
		before := s.started
		s.mu.Unlock()
		h.within("the runs in flight to end", func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			for s.inFlight > h.held {
				s.idle.Wait()
			}
		})
		s.mu.Lock()
		after := s.started
		s.mu.Unlock()
		if after == before {
			return
		}
	}
}

// within runs wait, failing the test if it has not returned after a time
// no correct scheduler needs: a hang guard, not a timing assertion.
func (h *harness) within(what string, wait func()) {
	h.t.Helper()
	done := make(chan struct{})
	go func() { wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		h.t.Fatalf("at %s: waited 10 s for %s", h.clock.Now().Sub(t0), what)
	}
}

// next returns the next report.
func (h *harness) next() Report {
	h.t.Helper()
	var r Report
	h.within("a run report", func() { r = <-h.reports })
	return r
}

// release ends a run the test held.
func (h *harness) release(ch chan struct{}) {
	close(ch)
	h.held--
}

// startBlockedRun starts a job of that name, every minute, alone, advances
// to its first run and returns once the run is in flight; the run ends,
// with OK, when the returned channel is closed.
func (h *harness) startBlockedRun(name string) chan struct{} {
	h.t.Helper()
	started, release := make(chan struct{}), make(chan struct{})
	h.runner.set(name, func(ctx context.Context) (abi.Status, string) {
		close(started)
		<-release
		return abi.StatusOK, ""
	})
	h.start(spec(name, time.Minute))
	h.held++
	h.clock.Advance(time.Minute)
	<-started
	return release
}

func (h *harness) view(name string) JobView {
	h.t.Helper()
	for _, v := range h.sched.Jobs() {
		if v.Name == name {
			return v
		}
	}
	h.t.Fatalf("no job %q", name)
	return JobView{}
}

func (h *harness) expect(name string, state State, next time.Duration) JobView {
	h.t.Helper()
	v := h.view(name)
	var wantNext time.Time
	if next >= 0 {
		wantNext = t0.Add(next)
	}
	if v.State != state || !v.NextRun.Equal(wantNext) {
		h.t.Fatalf("job %s: state %s next %v; want %s next %v", name, v.State, v.NextRun, state, wantNext)
	}
	return v
}

const never = -1

func spec(name string, interval time.Duration) Spec {
	return Spec{Job: domain.Job{Name: name, File: name + ".lua"}, Interval: interval, Active: true}
}
