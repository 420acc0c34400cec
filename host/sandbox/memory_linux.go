package sandbox

import (
	"fmt"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

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

// imageFile holds a snapshot's memory in a memfd, so clones can map it
// privately: they share its pages until they write one, and then the
// kernel copies that page alone. view maps it read-only for the host, to
// copy pages back from when a clone is reset.
type imageFile struct {
	fd   int
	view []byte
}

func newImageFile(mem []byte) (imageFile, error) {
	fd, err := unix.MemfdCreate("jobbox-snapshot", unix.MFD_CLOEXEC)
	if err != nil {
		return imageFile{}, fmt.Errorf("creating the snapshot file: %w", err)
	}
	for off := 0; off < len(mem); {
		n, err := unix.Pwrite(fd, mem[off:], int64(off))
		if err != nil {
			unix.Close(fd)
			return imageFile{}, fmt.Errorf("writing the snapshot file: %w", err)
		}
		off += n
	}
	view, err := unix.Mmap(fd, 0, len(mem), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		unix.Close(fd)
		return imageFile{}, fmt.Errorf("mapping the snapshot file: %w", err)
	}
	return imageFile{fd: fd, view: view}, nil
}

// mapInto maps the first size bytes of the file over the start of b.
func (f imageFile) mapInto(b []byte, size uint64) error {
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

func (f imageFile) close() {
	_ = unix.Munmap(f.view)
	unix.Close(f.fd)
}
