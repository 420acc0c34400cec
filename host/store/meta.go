package store

import (
	"encoding/binary"
	"fmt"
	"os"
)

// Offsets in bbolt's file format (go.etcd.io/bbolt/internal/common): a
// page header, and the meta page's fields after it.
const (
	pageFlagsAt     = 8
	pageCountAt     = 10
	pageOverflowAt  = 12
	pageHeaderSize  = 16
	metaFreelistAt  = pageHeaderSize + 32
	metaPgidAt      = pageHeaderSize + 40
	metaTxidAt      = pageHeaderSize + 48
	freelistFlag    = 0x10
	noFreelist      = ^uint64(0)
	bigFreelistMark = 0xFFFF
)

// checkPages checks, by reading the file and not through bbolt's mapping,
// that the pages of the meta page of transaction txid lie within the file:
// the freelist page, and every page of the tree (pageWalk). bbolt reads
// them without bounds, and a read past the end of the file kills the
// process instead of panicking.
func checkPages(path string, pageSize int, txid uint64) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	for i := range 2 {
		meta := make([]byte, metaTxidAt+8)
		if _, err := f.ReadAt(meta, int64(i*pageSize)); err != nil {
			return fmt.Errorf("reading meta page %d: %w", i, err)
		}
		if binary.LittleEndian.Uint64(meta[metaTxidAt:]) != txid {
			continue
		}
		free, hwm := binary.LittleEndian.Uint64(meta[metaFreelistAt:]), binary.LittleEndian.Uint64(meta[metaPgidAt:])
		walk := &pageWalk{file: f, pageSize: pageSize, hwm: hwm, seen: map[uint64]bool{}}
		if err := walk.page(binary.LittleEndian.Uint64(meta[metaRootAt:])); err != nil {
			return err
		}
		if free == noFreelist {
			return nil
		}
		if free >= hwm {
			return fmt.Errorf("the freelist page %d is past the last page %d", free, hwm)
		}
		head := make([]byte, pageHeaderSize+8)
		if _, err := f.ReadAt(head, int64(free)*int64(pageSize)); err != nil {
			return fmt.Errorf("reading the freelist page %d: %w", free, err)
		}
		if head[pageFlagsAt] != freelistFlag || head[pageFlagsAt+1] != 0 {
			return fmt.Errorf("page %d is not a freelist page", free)
		}
		count := uint64(binary.LittleEndian.Uint16(head[pageCountAt:]))
		need := pageHeaderSize + 8*count
		if count == bigFreelistMark {
			count = binary.LittleEndian.Uint64(head[pageHeaderSize:])
			need = pageHeaderSize + 8 + 8*count
		}
		overflow := uint64(binary.LittleEndian.Uint32(head[pageOverflowAt:]))
		if free+overflow >= hwm || count > hwm || need > (overflow+1)*uint64(pageSize) {
			return fmt.Errorf("the freelist page %d claims %d entries over %d pages, past its end", free, count, overflow+1)
		}
		return nil
	}
	return fmt.Errorf("no meta page has transaction %d", txid)
}
