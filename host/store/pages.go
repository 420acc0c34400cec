package store

import (
	"encoding/binary"
	"fmt"
	"io"
)

// Flags and sizes of bbolt's pages (go.etcd.io/bbolt/internal/common).
const (
	branchFlag       = 0x01
	leafFlag         = 0x02
	bucketLeafFlag   = 0x01
	elementSize      = 16
	bucketHeaderSize = 16
	metaRootAt       = pageHeaderSize + 16
)

// pageWalk checks, by reading the file and not through bbolt's mapping,
// that every page reachable from the root bucket, and every key and value
// on it, lies within the file and within its page: bbolt trusts these
// offsets and sizes, and a read past the end of its mapping kills the
// process, in tx.Check's goroutine as in ours.
type pageWalk struct {
	file     io.ReaderAt
	pageSize int
	hwm      uint64 // pages in use, from the meta page
	seen     map[uint64]bool
}

func (w *pageWalk) page(id uint64) error {
	if id < 2 || id >= w.hwm {
		return fmt.Errorf("a page id %d is out of range (2 to %d)", id, w.hwm-1)
	}
	if w.seen[id] {
		return nil // tx.Check reports pages reached twice
	}
	w.seen[id] = true
	buf := make([]byte, w.pageSize)
	if _, err := w.file.ReadAt(buf, int64(id)*int64(w.pageSize)); err != nil {
		return fmt.Errorf("reading page %d: %w", id, err)
	}
	overflow := uint64(binary.LittleEndian.Uint32(buf[pageOverflowAt:]))
	if id+overflow >= w.hwm {
		return fmt.Errorf("page %d claims %d overflow pages, past the last page", id, overflow)
	}
	if overflow > 0 {
		buf = append(buf, make([]byte, overflow*uint64(w.pageSize))...)
		if _, err := w.file.ReadAt(buf[w.pageSize:], int64(id+1)*int64(w.pageSize)); err != nil {
			return fmt.Errorf("reading page %d: %w", id, err)
		}
	}
	return w.elements(id, buf)
}

// elements checks the elements of page buf (a file page, or a bucket's
// inline page), and the pages and buckets they lead to.
func (w *pageWalk) elements(id uint64, buf []byte) error {
	flags := binary.LittleEndian.Uint16(buf[pageFlagsAt:])
	count := int(binary.LittleEndian.Uint16(buf[pageCountAt:]))
	if flags != branchFlag && flags != leafFlag {
		return fmt.Errorf("page %d is neither a branch nor a leaf page (flags %#x)", id, flags)
	}
	if pageHeaderSize+count*elementSize > len(buf) {
		return fmt.Errorf("page %d claims %d elements, more than it holds", id, count)
	}
	for i := range count {
		e := buf[pageHeaderSize+i*elementSize:]
		at := pageHeaderSize + i*elementSize
		if flags == branchFlag {
			pos, ksize := binary.LittleEndian.Uint32(e), binary.LittleEndian.Uint32(e[4:])
			if uint64(at)+uint64(pos)+uint64(ksize) > uint64(len(buf)) {
				return fmt.Errorf("page %d: key %d lies past the page's end", id, i)
			}
			if err := w.page(binary.LittleEndian.Uint64(e[8:])); err != nil {
				return err
			}
			continue
		}
		leafFlags, pos := binary.LittleEndian.Uint32(e), binary.LittleEndian.Uint32(e[4:])
		ksize, vsize := binary.LittleEndian.Uint32(e[8:]), binary.LittleEndian.Uint32(e[12:])
		start := uint64(at) + uint64(pos) + uint64(ksize)
		if start+uint64(vsize) > uint64(len(buf)) {
			return fmt.Errorf("page %d: key or value %d lies past the page's end", id, i)
		}
		if leafFlags&bucketLeafFlag != 0 {
			if err := w.bucket(id, buf[start:start+uint64(vsize)]); err != nil {
				return err
			}
		}
	}
	return nil
}

// bucket checks a nested bucket, whose root is a page or, when its root
// is 0, inline after its header.
func (w *pageWalk) bucket(id uint64, v []byte) error {
	if len(v) < bucketHeaderSize {
		return fmt.Errorf("page %d: a bucket's header is cut short", id)
	}
	if root := binary.LittleEndian.Uint64(v); root != 0 {
		return w.page(root)
	}
	inline := v[bucketHeaderSize:]
	if len(inline) < pageHeaderSize {
		return fmt.Errorf("page %d: an inline bucket is cut short", id)
	}
	return w.elements(id, inline)
}
