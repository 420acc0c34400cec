package sandbox

import (
	"encoding/binary"
	"os"
	"sync"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

var pageSize = os.Getpagesize()

// pagemap is /proc/self/pagemap, which tells for each page of the process
// whether it is present and whether it is the process's own copy (see
// Documentation/admin-guide/mm/pagemap.rst).
var pagemap = sync.OnceValues(func() (*os.File, error) { return os.Open("/proc/self/pagemap") })

// Bits of a pagemap entry.
const (
	pagemapPresent   = 1 << 63
	pagemapFileOrShm = 1 << 61 // still the snapshot's page, or the zero page
	pagemapExclusive = 1 << 56 // mapped by this process only
)

// touched reads what has been done to mem's pages: a present page that is
// the snapshot's own was read; one the process owns alone was written
// (copied on write).
func touched(mem []byte) (pageTouch, bool) {
	f, err := pagemap()
	pages := len(mem) / pageSize
	if err != nil || pages == 0 {
		return nil, false
	}
	buf := make([]byte, pages*8)
	first := int64(uintptr(unsafe.Pointer(&mem[0]))) / int64(pageSize)
	if _, err := f.ReadAt(buf, first*8); err != nil {
		return nil, false
	}
	t := make(pageTouch, pages)
	for i := range t {
		switch e := binary.LittleEndian.Uint64(buf[i*8:]); {
		case e&pagemapPresent == 0:
		case e&pagemapFileOrShm == 0 && e&pagemapExclusive != 0:
			t[i] = pageWritten
		default:
			t[i] = pageRead
		}
	}
	return t, true
}

// populateUnsupported is set when the kernel lacks MADV_POPULATE_* (before
// Linux 5.14); clones then fault as runs touch them.
var populateUnsupported atomic.Bool

// populate maps the pages of spans in mem, each a private copy if write.
func populate(mem []byte, spans []pageSpan, write bool) {
	advice := unix.MADV_POPULATE_READ
	if write {
		advice = unix.MADV_POPULATE_WRITE
	}
	for _, s := range spans {
		if populateUnsupported.Load() {
			return
		}
		lo, hi := s.first*pageSize, (s.first+s.count)*pageSize
		if hi > len(mem) {
			return
		}
		if err := unix.Madvise(mem[lo:hi], advice); err == unix.EINVAL {
			populateUnsupported.Store(true)
		}
	}
}
