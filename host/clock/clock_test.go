package clock

import (
	"slices"
	"testing"
	"time"
)

func TestRealTimerNeverFiresEarly(t *testing.T) {
	t.Parallel()
	for _, d := range []time.Duration{-time.Second, 0, 100 * time.Microsecond, 1500 * time.Microsecond, 3 * time.Millisecond} {
		start := time.Now()
		fired := <-Real{}.NewTimerAt(start.Add(d)).C()
		if early := start.Add(d).Sub(fired); early > 0 {
			t.Errorf("a timer for %s fired %s early", d, early)
		}
	}
}

func TestRealTimerStop(t *testing.T) {
	t.Parallel()
	timer := Real{}.NewTimerAt(time.Now().Add(time.Hour)).(*realTimer)
	if !timer.Stop() {
		t.Fatal("Stop of a pending timer reported it had fired")
	}
	timer.fire() // as if its time.Timer had fired just before Stop
	if len(timer.C()) != 0 {
		t.Fatal("a stopped timer fired")
	}

	fired := Real{}.NewTimerAt(time.Now())
	<-fired.C()
	if fired.Stop() {
		t.Fatal("Stop of a fired timer reported it had not fired")
	}
}

// BenchmarkTimerLateness compares how late Real timers and time.Timers
// fire, d = 2.3 ms from now, as an idle scheduler's would: the median and
// p99 in microseconds.
func BenchmarkTimerLateness(b *testing.B) {
	const d = 2300 * time.Microsecond
	for _, c := range []struct {
		name  string
		after func() <-chan time.Time
	}{
		{"Real", func() <-chan time.Time { return Real{}.NewTimerAt(time.Now().Add(d)).C() }},
		{"time.Timer", func() <-chan time.Time { return time.NewTimer(d).C }},
	} {
		b.Run(c.name, func(b *testing.B) {
			var late []time.Duration
			for b.Loop() {
				start := time.Now()
				<-c.after()
				late = append(late, time.Since(start)-d)
			}
			slices.Sort(late)
			b.ReportMetric(float64(late[len(late)/2].Microseconds()), "µs-late-p50")
			b.ReportMetric(float64(late[len(late)*99/100].Microseconds()), "µs-late-p99")
		})
	}
}

// TestFakeTimerAtKeepsItsDeadline: a timer made for a deadline the fake
// clock has already passed (the clock moved between a reader's Now and its
// NewTimerAt) fires at once, and one ahead fires when the clock reaches it.
func TestFakeTimerAtKeepsItsDeadline(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	f := NewFake(start)
	deadline := f.Now().Add(time.Minute)
	f.Advance(time.Minute)
	select {
	case <-f.NewTimerAt(deadline).C():
	default:
		t.Fatal("a timer for a passed deadline did not fire at once")
	}
	ahead := f.NewTimerAt(deadline.Add(time.Second))
	f.Advance(999 * time.Millisecond)
	if len(ahead.C()) != 0 {
		t.Fatal("a timer fired before its deadline")
	}
	f.Advance(time.Millisecond)
	if len(ahead.C()) != 1 {
		t.Fatal("a timer did not fire at its deadline")
	}
}
