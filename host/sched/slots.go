package sched

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/jobbox/jobbox/host/domain"
)

// slots are the CPU slots (max_concurrent_runs): a counting semaphore whose
// waiters are served in the order they came. Runs that gave their slot up to
// sleep or wait on I/O queue here to take one back; the dispatcher only
// takes a slot no waiter wants, so a run in flight, which holds memory,
// resumes before a new one starts.
type slots struct {
	mu      sync.Mutex
	free    int
	waiters []chan struct{}
	// onFree is called, without locks, when a release leaves a slot free:
	// it wakes the dispatcher.
	onFree func()
}

func newSlots(n int, onFree func()) *slots {
	return &slots{free: n, onFree: onFree}
}

// tryAcquire takes a free slot that no waiter is queued for.
func (s *slots) tryAcquire() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.free > 0 && len(s.waiters) == 0 {
		s.free--
		return true
	}
	return false
}

// acquire takes a slot, waiting in line for one until ctx ends.
func (s *slots) acquire(ctx context.Context) error {
	s.mu.Lock()
	if s.free > 0 && len(s.waiters) == 0 {
		s.free--
		s.mu.Unlock()
		return nil
	}
	ready := make(chan struct{})
	s.waiters = append(s.waiters, ready)
	s.mu.Unlock()

	select {
	case <-ready:
		return nil
	case <-ctx.Done():
	}
	s.mu.Lock()
	select {
	case <-ready:
		// Handed a slot as ctx ended: pass it on.
		s.mu.Unlock()
		s.release()
	default:
		for i, w := range s.waiters {
			if w == ready {
				s.waiters = append(s.waiters[:i], s.waiters[i+1:]...)
				break
			}
		}
		s.mu.Unlock()
	}
	return ctx.Err()
}

// release hands the slot to the first waiter, or frees it.
func (s *slots) release() {
	s.mu.Lock()
	if len(s.waiters) > 0 {
		// Closed under the lock, so a waiter whose ctx ends meanwhile
		// sees either its slot or its place in line.
		close(s.waiters[0])
		s.waiters = s.waiters[1:]
		s.mu.Unlock()
		return
	}
	s.free++
	s.mu.Unlock()
	if s.onFree != nil {
		s.onFree()
	}
}

// runSlot is one run's hold on a CPU slot, as the sandbox sees it.
type runSlot struct {
	slots *slots
	held  atomic.Bool
}

var _ domain.Slot = (*runSlot)(nil)

func (r *runSlot) Release() {
	if r.held.CompareAndSwap(true, false) {
		r.slots.release()
	}
}

func (r *runSlot) Acquire(ctx context.Context) error {
	if r.held.Load() {
		return nil
	}
	if err := r.slots.acquire(ctx); err != nil {
		return err
	}
	r.held.Store(true)
	return nil
}
