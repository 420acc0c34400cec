package pagemem

import (
	"encoding/binary"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// pagemap is /proc/self/pagemap, which tells for each page of the process
// whether it is present and whether it is the process's own copy (see
// Documentation/admin-guide/mm/pagemap.rst).
var pagemap = sync.OnceValues(func() (*os.File, error) { return os.Open("/proc/self/pagemap") })

// Bits of a pagemap entry.
const (
	pagemapPresent   = 1 << 63
	pagemapSwapped   = 1 << 62
	pagemapFileOrShm = 1 << 61 // still the snapshot's page
)

// Written reads which of mem's pages were written since mem mapped an
// Image: those the process has its own copy of, resident or swapped out.
// A page only read, or never touched, is still the image's. It reports
// false when pagemap cannot be read. The result lives in scan's buffers
// until its next use.
func Written(mem []byte, scan *Scan) (Writes, bool) {
	f, err := pagemap()
	pages := len(mem) / pageSize
	if err != nil || pages == 0 {
		return nil, false
	}
	scan.entries = slices.Grow(scan.entries[:0], pages*8)[:pages*8]
	buf := scan.entries
	first := int64(uintptr(unsafe.Pointer(&mem[0]))) / int64(pageSize)
	if _, err := f.ReadAt(buf, first*8); err != nil {
		return nil, false
	}
	scan.written = slices.Grow(scan.written[:0], pages)[:pages]
	w := scan.written
	for i := range w {
		e := binary.LittleEndian.Uint64(buf[i*8:])
		w[i] = e&(pagemapPresent|pagemapSwapped) != 0 && e&pagemapFileOrShm == 0
	}
	return w, true
}

// populateUnsupported is set when the kernel lacks MADV_POPULATE_* (before
// Linux 5.14); clones then fault as runs touch them.
var populateUnsupported atomic.Bool

// Populate copies the pages of spans in mem now, as writing them would
// (MADV_POPULATE_WRITE). Errors are ignored: a page not copied now is
// copied when first written.
func Populate(mem []byte, spans []Span) {
	for _, s := range spans {
		lo, hi := s.First*pageSize, (s.First+s.Count)*pageSize
		if populateUnsupported.Load() || hi > len(mem) {
			return
		}
		if err := unix.Madvise(mem[lo:hi], unix.MADV_POPULATE_WRITE); err == unix.EINVAL {
			populateUnsupported.Store(true)
		}
	}
}
