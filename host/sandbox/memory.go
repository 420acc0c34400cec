package sandbox

import (
	"sync/atomic"

	"github.com/tetratelabs/wazero/experimental"

	"github.com/jobbox/jobbox/host/internal/pagemem"
)

// linearMemory is the linear memory of one instance. Its backing store is
// reserved at once (pagemem.Reserve), so growing never copies and untouched
// pages cost no resident memory. It cannot grow past limit, whatever the
// module declares: wazero's own limit is per runtime, this one is per run,
// so each job gets its configured cap.
type linearMemory struct {
	// limit is set before the instance runs: a clone is made before anyone
	// knows which job will run in it.
	limit uint64
	// exceeded is set when the guest asked for more than limit, so the run's
	// error can name the memory limit rather than the guest's own message.
	exceeded atomic.Bool
	backing  []byte
	freed    atomic.Bool
}

var _ experimental.LinearMemory = (*linearMemory)(nil)

func (m *linearMemory) Reallocate(size uint64) []byte {
	if size > m.limit || size > uint64(len(m.backing)) {
		m.exceeded.Store(true)
		return nil
	}
	return m.backing[:size]
}

func (m *linearMemory) Free() {
	// wazero frees a memory when its module closes and again when the
	// runtime does; a second unmap could hit a mapping made since.
	if !m.freed.Swap(true) {
		pagemem.Release(m.backing)
	}
}

// memoryAllocator gives the instance being instantiated its linearMemory:
// an empty one, or, for a clone, one that maps image copy-on-write.
type memoryAllocator struct {
	mem   *linearMemory
	image *image
	err   error // mapping the image failed
}

var _ experimental.MemoryAllocator = (*memoryAllocator)(nil)

func (a *memoryAllocator) Allocate(initial, max uint64) experimental.LinearMemory {
	if initial > a.mem.limit {
		// wazero cannot fail an allocation: let it succeed, and the
		// instantiation is refused as soon as it returns.
		a.mem.exceeded.Store(true)
		a.mem.limit = initial
	}
	a.mem.backing = pagemem.Reserve(min(max, a.mem.limit))
	if a.image != nil {
		if uint64(len(a.mem.backing)) < a.image.size {
			a.err = errImageTooLarge
		} else {
			a.err = a.image.mapInto(a.mem.backing)
		}
	}
	return a.mem
}
