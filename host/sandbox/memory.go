package sandbox

import (
	"sync/atomic"

	"github.com/tetratelabs/wazero/experimental"
)

// limitedAllocator gives each instance a linear memory that cannot grow past
// limit bytes, whatever the module declares. wazero's own limit is per
// runtime; this one is per run, so each job gets its configured cap. The
// backing store is reserved once at the limit (see reserve), so growing never
// copies, and untouched pages cost no resident memory.
type limitedAllocator struct {
	limit uint64
	// exceeded is set when the guest asked for more than limit, so the run's
	// error can name the memory limit rather than the guest's own message.
	exceeded atomic.Bool
}

var _ experimental.MemoryAllocator = (*limitedAllocator)(nil)

func (a *limitedAllocator) Allocate(_, max uint64) experimental.LinearMemory {
	size := min(max, a.limit)
	return &linearMemory{alloc: a, backing: reserve(size)}
}

type linearMemory struct {
	alloc   *limitedAllocator
	backing []byte
}

func (m *linearMemory) Reallocate(size uint64) []byte {
	if size > uint64(len(m.backing)) {
		m.alloc.exceeded.Store(true)
		return nil
	}
	return m.backing[:size]
}

func (m *linearMemory) Free() {
	release(m.backing)
	m.backing = nil
}
