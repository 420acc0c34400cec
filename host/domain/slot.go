package domain

import "context"

// Slot is the CPU slot a run holds while it executes guest code. The
// scheduler hands one to each run through the run's context (WithSlot); the
// host gives it up while the run blocks without running guest code (a sleep,
// a module call waiting on I/O), so a job that waits does not keep another
// that computes from running. The sandbox only calls it: the scheduler owns
// how many slots there are and in what order waiters get them.
type Slot interface {
	// Release gives the slot up. It is a no-op when the slot is not held.
	Release()
	// Acquire takes the slot back, waiting until one is free or ctx ends
	// (the run's deadline, or the service stopping); it returns ctx's error
	// then, and the run does not hold a slot.
	Acquire(ctx context.Context) error
}

type slotKey struct{}

// WithSlot returns a context whose runs hand slot back while they block.
func WithSlot(ctx context.Context, slot Slot) context.Context {
	return context.WithValue(ctx, slotKey{}, slot)
}

// OffSlot runs wait, which blocks without running guest code, with the
// run's slot released, and takes the slot back before the guest runs again.
// It reports false when the run's deadline (or the service stopping) came
// before a slot did: the caller must then end the run, which holds no slot.
// Host functions that block call it; so may a Runner that is not an Engine.
func OffSlot(ctx context.Context, wait func()) bool {
	slot, _ := ctx.Value(slotKey{}).(Slot)
	if slot == nil {
		wait()
		return true
	}
	slot.Release()
	wait()
	return slot.Acquire(ctx) == nil
}
