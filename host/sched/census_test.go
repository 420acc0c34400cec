package sched

import (
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/jobbox/jobbox/abi"
)

// TestCensusMatchesJobs: the census counts the jobs by state as Jobs shows
// them, after runs and an operator's deactivation, and gives the views of the named
// jobs that are configured, as Jobs gives them.
func TestCensusMatchesJobs(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.runner.set("s", returns(abi.StatusSleep, ""))
	h.runner.set("x", returns(abi.StatusExit, ""))
	h.start(spec("a", time.Minute), spec("s", time.Minute), spec("x", time.Minute), spec("w", time.Hour), spec("b", time.Hour))
	h.advance(time.Minute, "a", "s", "x")
	requireCensus(t, h.sched)

	counts, views := h.sched.Census([]string{"x", "a", "gone"})
	if counts[Exited] != 1 || counts[Sleeping] != 1 {
		t.Errorf("census %v, want one job exited and one sleeping", counts)
	}
	all := h.sched.Jobs()
	if len(views) != 2 || views[0].Name != "x" || views[1].Name != "a" {
		t.Fatalf("views %+v, want x and a", views)
	}
	for _, v := range views {
		i := slices.IndexFunc(all, func(j JobView) bool { return j.Name == v.Name })
		if all[i] != v {
			t.Errorf("census view %+v, Jobs shows %+v", v, all[i])
		}
	}

	if err := h.sched.SetActive(t.Context(), "b", false); err != nil {
		t.Fatal(err)
	}
	requireCensus(t, h.sched)
}

// TestCensusThroughReloads: the census counts a run in flight, a job a
// reload adds, and no longer counts one it removes, even when the removed
// job's run ends afterwards.
func TestCensusThroughReloads(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	release := h.startBlockedRun("w")
	requireCensus(t, h.sched)
	w, n := spec("w", time.Minute), spec("n", time.Hour)
	h.sched.Reload([]Spec{w, n})
	requireCensus(t, h.sched)
	h.sched.Reload([]Spec{n})
	requireCensus(t, h.sched)
	h.release(release)
	if r := h.next(); r.Job != "w" {
		t.Fatalf("report of %s, want w's run", r.Job)
	}
	h.requireEmpty()
	requireCensus(t, h.sched)
	if counts, _ := h.sched.Census(nil); !maps.Equal(counts, map[State]int{Waiting: 1}) {
		t.Errorf("census %v, want the one job n waiting", counts)
	}
}

// requireCensus fails t unless the census counts what Jobs shows, state by
// state, with no state of no jobs.
func requireCensus(t *testing.T, s *Scheduler) {
	t.Helper()
	counts, _ := s.Census(nil)
	want := map[State]int{}
	for _, v := range s.Jobs() {
		want[v.State]++
	}
	if !maps.Equal(counts, want) {
		t.Errorf("census %v, Jobs shows %v", counts, want)
	}
}
