package pagemem

import (
	"fmt"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Reserve maps size bytes of anonymous memory without committing it: the
// kernel backs a page only when it is first touched, and Release returns
// every page at once. When the address space is exhausted it returns an
// empty slice, which a guest sees as a failed grow.
func Reserve(size uint64) []byte {
	if size == 0 {
		return []byte{}
	}
	b, err := syscall.Mmap(-1, 0, int(size), syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_PRIVATE|syscall.MAP_ANON|syscall.MAP_NORESERVE)
	if err != nil {
		return []byte{}
	}
	return b
}

// Release unmaps memory Reserve returned. Call it once per reservation.
func Release(b []byte) {
	if len(b) > 0 {
		_ = syscall.Munmap(b)
	}
}

// Image holds a snapshot's memory in a memfd, so clones can map it
// privately: they share its pages until they write one, and then the
// kernel copies that page alone. Its view maps it read-only for the host,
// to copy pages back from when a clone is reset.
type Image struct {
	fd   int
	view []byte
}

// NewImage copies mem into a new image.
func NewImage(mem []byte) (Image, error) {
	fd, err := unix.MemfdCreate("jobbox-snapshot", unix.MFD_CLOEXEC)
	if err != nil {
		return Image{}, fmt.Errorf("creating the snapshot file: %w", err)
	}
	for off := 0; off < len(mem); {
		n, err := unix.Pwrite(fd, mem[off:], int64(off))
		if err != nil {
			unix.Close(fd)
			return Image{}, fmt.Errorf("writing the snapshot file: %w", err)
		}
		off += n
	}
	view, err := unix.Mmap(fd, 0, len(mem), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		unix.Close(fd)
		return Image{}, fmt.Errorf("mapping the snapshot file: %w", err)
	}
	return Image{fd: fd, view: view}, nil
}

// MapInto maps the first size bytes of the image over the start of b,
// which Reserve returned, copy-on-write.
func (f Image) MapInto(b []byte, size uint64) error {
	if size == 0 {
		return nil
	}
	_, err := unix.MmapPtr(f.fd, 0, unsafe.Pointer(&b[0]), uintptr(size),
		unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_FIXED)
	if err != nil {
		return fmt.Errorf("mapping the snapshot: %w", err)
	}
	return nil
}

// View is the image's contents, read-only.
func (f Image) View() []byte { return f.view }

// Close releases the image. Memory it was mapped into keeps its pages.
func (f Image) Close() {
	_ = unix.Munmap(f.view)
	unix.Close(f.fd)
}
