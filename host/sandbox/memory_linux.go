package sandbox

import "syscall"

// reserve maps size bytes of anonymous memory without committing it: the
// kernel backs a page only when the guest first touches it, and release
// returns every page at once when the instance closes.
func reserve(size uint64) []byte {
	if size == 0 {
		return []byte{}
	}
	b, err := syscall.Mmap(-1, 0, int(size), syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_PRIVATE|syscall.MAP_ANON|syscall.MAP_NORESERVE)
	if err != nil {
		// The address space is exhausted; the guest sees a failed grow.
		return []byte{}
	}
	return b
}

func release(b []byte) {
	if len(b) > 0 {
		_ = syscall.Munmap(b)
	}
}
