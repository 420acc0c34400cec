package sched

import (
	"slices"
	"testing"
	"time"

	"github.com/jobbox/jobbox/abi"
)

// TestCensusMatchesJobs: the census counts the jobs by state as Jobs shows
// them, and gives the views of the named jobs that are configured, as Jobs
// gives them.
func TestCensusMatchesJobs(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.runner.set("s", returns(abi.StatusSleep, ""))
	h.runner.set("x", returns(abi.StatusExit, ""))
	h.start(spec("a", time.Minute), spec("s", time.Minute), spec("x", time.Minute), spec("w", time.Hour))
	h.advance(time.Minute, "a", "s", "x")
	counts, views := h.sched.Census([]string{"x", "a", "gone"})
	all := h.sched.Jobs()
	want := map[State]int{}
	for _, v := range all {
		want[v.State]++
	}
	if len(counts) != len(want) {
		t.Errorf("census %v, want %v", counts, want)
	}
	for st, n := range want {
		if counts[st] != n {
			t.Errorf("census %v, want %v", counts, want)
		}
	}
	if len(views) != 2 || views[0].Name != "x" || views[1].Name != "a" {
		t.Fatalf("views %+v, want x and a", views)
	}
	for _, v := range views {
		i := slices.IndexFunc(all, func(j JobView) bool { return j.Name == v.Name })
		if all[i] != v {
			t.Errorf("census view %+v, Jobs shows %+v", v, all[i])
		}
	}
}
