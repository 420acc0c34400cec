package sched

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

// TestSlotsServeWaitersInOrder: a released slot goes to the longest waiter,
// and tryAcquire does not jump the line.
func TestSlotsServeWaitersInOrder(t *testing.T) {
	t.Parallel()
	s := newSlots(1, nil)
	if !s.tryAcquire() {
		t.Fatal("a free slot was refused")
	}
	order := make(chan int, 3)
	for i := range 3 {
		go func() {
			if err := s.acquire(context.Background()); err != nil {
				t.Error(err)
			}
			order <- i
			s.release()
		}()
		waitForWaiters(s, i+1) // so the waiters queue in a known order
	}
	if s.tryAcquire() {
		t.Fatal("tryAcquire took a slot waiters were queued for")
	}
	s.release()
	for want := range 3 {
		if got := <-order; got != want {
			t.Fatalf("waiter %d served before waiter %d", got, want)
		}
	}
	if !s.tryAcquire() {
		t.Fatal("the slot did not come back after the waiters")
	}
}

// waitForWaiters returns once n runs wait in s's line.
func waitForWaiters(s *slots, n int) {
	for {
		s.mu.Lock()
		queued := len(s.waiters)
		s.mu.Unlock()
		if queued >= n {
			return
		}
		runtime.Gosched()
	}
}

// TestSlotsAcquireEndsWithItsContext: a waiter whose context ends leaves the
// line and takes nothing.
func TestSlotsAcquireEndsWithItsContext(t *testing.T) {
	t.Parallel()
	freed := make(chan struct{}, 1)
	s := newSlots(1, func() { freed <- struct{}{} })
	s.tryAcquire()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.acquire(ctx); err == nil {
		t.Fatal("acquire with an ended context took a slot")
	}
	s.release()
	<-freed // no waiter left: the slot is free, and the dispatcher told
	if !s.tryAcquire() {
		t.Fatal("the released slot is not free")
	}
}

// TestSlotsHammer: many runs releasing and taking back slots, some giving
// up, never hold more slots than there are, and all slots come back.
func TestSlotsHammer(t *testing.T) {
	t.Parallel()
	const n = 3
	s := newSlots(n, nil)
	var holding atomic.Int32
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slot := &runSlot{slots: s}
			for i := range 500 {
				ctx, cancel := context.WithCancel(context.Background())
				if (g+i)%7 == 0 {
					cancel() // gives up at once, or while waiting
				}
				if slot.Acquire(ctx) == nil {
					if h := holding.Add(1); h > n {
						t.Errorf("%d slots held at once, of %d", h, n)
					}
					holding.Add(-1)
					slot.Release()
					slot.Release() // a second release is a no-op
				}
				cancel()
			}
		}()
	}
	wg.Wait()
	for range n {
		if !s.tryAcquire() {
			t.Fatal("a slot was lost")
		}
	}
	if s.tryAcquire() {
		t.Fatal("a slot was made up")
	}
}
