package api

import (
	"slices"
	"testing"
	"time"
)

// Ten streams that begin together get ten slots spread over the period.
func TestTurnsSpreadStreams(t *testing.T) {
	t.Parallel()
	ts := newTurns()
	var phases []time.Duration
	for range 10 {
		phases = append(phases, ts.next().first.Sub(ts.epoch))
	}
	slices.Sort(phases)
	for i, p := range phases {
		if p < 0 || p >= FlushEvery {
			t.Fatalf("phase %v is outside the period [0, %v)", p, FlushEvery)
		}
		gap := FlushEvery + phases[0] - p // the wrap-around to the first
		if i+1 < len(phases) {
			gap = phases[i+1] - p
		}
		if gap < FlushEvery/18 {
			t.Errorf("phases %v and the next are %v apart, want at least %v: %v", p, gap, FlushEvery/18, phases)
		}
	}
}

// A stream's turns fall in its slots, a period apart while busy, and never
// less than half a period after the last.
func TestCadenceAfter(t *testing.T) {
	t.Parallel()
	first := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	c := cadence{first: first}
	half := FlushEvery / 2
	for _, tc := range []struct {
		name string
		turn time.Time
		want time.Time
	}{
		{"long before the first slot", first.Add(-time.Second), first},
		{"just over half a period before it", first.Add(-half - 1), first},
		{"exactly half a period before it", first.Add(-half), first},
		{"less than half a period before it", first.Add(-half + 1), first.Add(FlushEvery)},
		{"in a slot", first.Add(3 * FlushEvery), first.Add(4 * FlushEvery)},
		{"late in a slot", first.Add(3*FlushEvery + half - 1), first.Add(4 * FlushEvery)},
		{"half a period after a slot", first.Add(3*FlushEvery + half), first.Add(4 * FlushEvery)},
		{"just after half a period after it", first.Add(3*FlushEvery + half + 1), first.Add(5 * FlushEvery)},
	} {
		if got := c.after(tc.turn); !got.Equal(tc.want) {
			t.Errorf("%s: after(first%+v) = first%+v, want first%+v", tc.name, tc.turn.Sub(first), got.Sub(first), tc.want.Sub(first))
		}
	}
}
