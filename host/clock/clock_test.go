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
		fired := <-Real{}.NewTimer(d).C()
		if early := start.Add(d).Sub(fired); early > 0 {
			t.Errorf("a timer for %s fired %s early", d, early)
		}
	}
}

func TestRealTimerStop(t *testing.T) {
	t.Parallel()
	timer := Real{}.NewTimer(time.Hour).(*realTimer)
	if !timer.Stop() {
		t.Fatal("Stop of a pending timer reported it had fired")
	}
	timer.fire() // as if its time.Timer had fired just before Stop
	if len(timer.C()) != 0 {
		t.Fatal("a stopped timer fired")
	}

	fired := Real{}.NewTimer(0)
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
		{"Real", func() <-chan time.Time { return Real{}.NewTimer(d).C() }},
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
