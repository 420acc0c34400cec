package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"
)

// nextEvent is sub's next event, failing t if none comes before a guard
// against hangs.
func nextEvent(t testing.TB, sub *Subscription) Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	e, err := sub.Next(ctx)
	if err != nil {
		t.Fatalf("no next event: %v", err)
	}
	return e
}

// drain reads sub's events until Next fails: after Close, or when ctx ends.
func drain(ctx context.Context, sub *Subscription, each func(Event)) {
	for {
		e, err := sub.Next(ctx)
		if err != nil {
			return
		}
		each(e)
	}
}

// TestBusHammer: publishers, readers and subscribers that come and go race
// on one small ring (run it under -race). Each reader sees events in Seq
// order, and every event published while it subscribed either reached it
// or counts as dropped; one that never reads keeps the ring's latest.
func TestBusHammer(t *testing.T) {
	t.Parallel()
	const publishers, each, ring = 8, 2000, 64
	b := newBus(ring)
	readers, slow := []*Subscription{b.Subscribe(), b.Subscribe()}, b.Subscribe()
	got := make([][]uint64, len(readers))
	ctx, cancel := context.WithCancel(context.Background())
	var reading, pubs, churn sync.WaitGroup
	for i, sub := range readers {
		reading.Go(func() { drain(ctx, sub, func(e Event) { got[i] = append(got[i], e.Seq) }) })
	}
	stop := make(chan struct{})
	for range 8 {
		churn.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				sub := b.Subscribe()
				for range 3 {
					tryNext(sub)
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
	cancel()
	reading.Wait()
	if n := b.Subscribers(); n != 3 {
		t.Fatalf("%d subscribers left, want 3", n)
	}
	for i, sub := range append(readers, slow) {
		var seqs []uint64
		if i < len(got) {
			seqs = got[i]
		}
		for e, ok := tryNext(sub); ok; e, ok = tryNext(sub) {
			seqs = append(seqs, e.Seq)
		}
		for k := 1; k < len(seqs); k++ {
			if seqs[k] <= seqs[k-1] {
				t.Fatalf("subscriber %d: event %d after %d", i, seqs[k], seqs[k-1])
			}
		}
		if n := uint64(len(seqs)) + sub.Dropped(); n != publishers*each {
			t.Fatalf("subscriber %d read %d and dropped %d of %d", i, len(seqs), sub.Dropped(), publishers*each)
		}
		if sub == slow && (len(seqs) != ring || seqs[0] != publishers*each-ring+1) {
			t.Fatalf("the slow subscriber kept %d events from %d; want the last %d", len(seqs), seqs[0], ring)
		}
	}
}

// TestBlockedSubscriberNeverBlocksPublish: with a subscriber that never
// reads, publishing goes on; the subscriber keeps the latest events and
// its Dropped counts what it missed.
func TestBlockedSubscriberNeverBlocksPublish(t *testing.T) {
	t.Parallel()
	b := newBus(4)
	blocked := b.Subscribe()
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
	if e := nextEvent(t, blocked); e.Seq != 997 || blocked.Dropped() != 996 {
		t.Fatalf("first event read %d, dropped %d; want 997 and 996", e.Seq, blocked.Dropped())
	}
}

// TestNextWaits: Next waits for the next Publish, ends with its context,
// and ends with ErrUnsubscribed when another goroutine closes the
// subscription.
func TestNextWaits(t *testing.T) {
	t.Parallel()
	b := NewBus()
	sub := b.Subscribe()
	if sub.Since() != 0 {
		t.Fatalf("Since %d before any event", sub.Since())
	}
	got := make(chan Event)
	go func() { got <- nextEvent(t, sub) }()
	b.Publish(Event{Kind: EventService, Status: "running"})
	if e := <-got; e.Seq != 1 || e.Status != "running" {
		t.Fatalf("got %+v", e)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := sub.Next(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Next with an ended context: %v", err)
	}
	ended := make(chan error)
	go func() {
		_, err := sub.Next(context.Background())
		ended <- err
	}()
	sub.Close()
	if err := <-ended; !errors.Is(err, ErrUnsubscribed) {
		t.Fatalf("Next after Close: %v", err)
	}
	if later := b.Subscribe(); later.Since() != 1 {
		t.Fatalf("a later subscription's Since is %d, want 1", later.Since())
	}
}

// BenchmarkPublish: what publishing one run's event costs the run, with 0
// and 10 subscribers each writing every event's JSON as an SSE writer would.
func BenchmarkPublish(b *testing.B) {
	for _, n := range []int{0, 10} {
		b.Run(fmt.Sprint(n, " subscribers"), func(b *testing.B) {
			bus := NewBus()
			var wg sync.WaitGroup
			subs := make([]*Subscription, n)
			for i := range subs {
				subs[i] = bus.Subscribe()
				defer subs[i].Close()
				wg.Go(func() {
					drain(context.Background(), subs[i], func(e Event) { _, _ = io.Discard.Write(e.JSON()) })
				})
			}
			e := Event{Kind: EventRunEnd, Job: "job-000001", Trigger: "schedule", Status: "OK", State: "waiting", Time: time.Now()}
			for b.Loop() {
				bus.Publish(e)
			}
			b.StopTimer()
			var dropped uint64
			for _, sub := range subs {
				dropped += sub.Dropped()
			}
			b.ReportMetric(float64(dropped)/float64(b.N*max(n, 1)), "dropped/event")
		})
	}
}

// TestEventFrame: every subscriber's copy of an event has the same frame,
// made once, with the event's number and none of the bus's own fields.
func TestEventFrame(t *testing.T) {
	t.Parallel()
	b := NewBus()
	one, two := b.Subscribe(), b.Subscribe()
	defer one.Close()
	defer two.Close()
	b.Publish(Event{Time: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC), Kind: EventRunEnd, Job: "a", Status: "OK", Duration: time.Millisecond})
	e1, e2 := nextEvent(t, one), nextEvent(t, two)
	x, y := e1.apiEvent().Frame(), e2.apiEvent().Frame()
	want := "id: 1\nevent: run-end\ndata: " +
		`{"seq":1,"time":"2026-03-02T10:00:00Z","kind":"run-end","job":"a","status":"OK","duration_ns":1000000}` + "\n\n"
	if string(x) != want || &x[0] != &y[0] {
		t.Fatalf("frames %q and %q (shared: %v); want %q", x, y, &x[0] == &y[0], want)
	}
}

// tryNext returns sub's next event if one is already published, without
// waiting.
func tryNext(sub *Subscription) (Event, bool) {
	if got := sub.ready(nil, 1); len(got) == 1 {
		return got[0].ev, true
	}
	return Event{}, false
}
