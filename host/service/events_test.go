package service

import (
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
