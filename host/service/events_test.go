package service

import (
	"fmt"
	"io"
	"sync"
	"testing"
	"time"
)

// TestBusHammer: publishers and subscribers that come and go race on one
// bus (run it under -race). A subscriber present throughout sees every
// event it did not drop, in Seq order, and one that reads sees them all.
func TestBusHammer(t *testing.T) {
	t.Parallel()
	const publishers, each = 8, 2000
	b := NewBus()
	steady, slow := b.Subscribe(publishers*each), b.Subscribe(4)
	var pubs, churn sync.WaitGroup
	stop := make(chan struct{})
	for range 8 {
		churn.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				sub := b.Subscribe(8)
				for range 3 {
					select {
					case <-sub.Events():
					default:
					}
				}
				sub.Close()
				sub.Close() // twice is harmless
			}
		})
	}
	for p := range publishers {
		pubs.Go(func() {
			for i := range each {
				b.Publish(Event{Kind: EventRunEnd, Job: "j", Duration: time.Duration(p*each + i)})
			}
		})
	}
	pubs.Wait()
	close(stop)
	churn.Wait()
	if n := b.Subscribers(); n != 2 {
		t.Fatalf("%d subscribers left, want 2", n)
	}
	count := func(sub *Subscription) int {
		sub.Close()
		var n int
		var last uint64
		for e := range sub.Events() {
			if e.Seq <= last {
				t.Fatalf("event %d after %d", e.Seq, last)
			}
			last = e.Seq
			n++
		}
		return n
	}
	if n := count(steady); n != publishers*each || steady.Dropped() != 0 {
		t.Fatalf("the steady subscriber got %d of %d, dropped %d", n, publishers*each, steady.Dropped())
	}
	if n := count(slow); n+int(slow.Dropped()) != publishers*each || n != 4 {
		t.Fatalf("the slow subscriber got %d and dropped %d of %d", n, slow.Dropped(), publishers*each)
	}
}

// TestBlockedSubscriberNeverBlocksPublish: with a subscriber that never
// reads, publishing goes on; the subscriber's Dropped counts what it missed.
func TestBlockedSubscriberNeverBlocksPublish(t *testing.T) {
	t.Parallel()
	b := NewBus()
	blocked := b.Subscribe(1)
	defer blocked.Close()
	done := make(chan struct{})
	go func() {
		for range 1000 {
			b.Publish(Event{Kind: EventRunStart})
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second): // a hang guard, not a timing
		t.Fatal("publishing waited for a subscriber that does not read")
	}
	if blocked.Dropped() != 999 {
		t.Fatalf("dropped %d, want 999", blocked.Dropped())
	}
}

// BenchmarkPublish: what publishing one run's event costs the run, with 0
// and 10 subscribers each writing every event's JSON as an SSE writer would.
func BenchmarkPublish(b *testing.B) {
	for _, n := range []int{0, 10} {
		b.Run(fmt.Sprint(n, " subscribers"), func(b *testing.B) {
			bus := NewBus()
			var wg sync.WaitGroup
			for range n {
				sub := bus.Subscribe(0)
				defer sub.Close()
				wg.Go(func() {
					for e := range sub.Events() {
						_, _ = io.Discard.Write(e.JSON())
					}
				})
			}
			e := Event{Kind: EventRunEnd, Job: "job-000001", Trigger: "schedule", Status: "OK", State: "waiting", Time: time.Now()}
			for b.Loop() {
				bus.Publish(e)
			}
			b.StopTimer()
			var dropped uint64
			for sub := range bus.subs {
				dropped += sub.Dropped()
			}
			b.ReportMetric(float64(dropped)/float64(b.N*max(n, 1)), "dropped/event")
		})
	}
}

// TestEventJSON: every subscriber's copy of an event has the same JSON,
// made once, with the event's number and none of the bus's own fields.
func TestEventJSON(t *testing.T) {
	t.Parallel()
	b := NewBus()
	one, two := b.Subscribe(1), b.Subscribe(1)
	defer one.Close()
	defer two.Close()
	b.Publish(Event{Time: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC), Kind: EventRunEnd, Job: "a", Status: "OK", Duration: time.Millisecond})
	x, y := (<-one.Events()).JSON(), (<-two.Events()).JSON()
	want := `{"seq":1,"time":"2026-03-02T10:00:00Z","kind":"run-end","job":"a","status":"OK","duration_ns":1000000}`
	if string(x) != want || &x[0] != &y[0] {
		t.Fatalf("JSON %s and %s (shared: %v); want %s", x, y, &x[0] == &y[0], want)
	}
}
