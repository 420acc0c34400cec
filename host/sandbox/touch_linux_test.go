package sandbox

import "testing"

// sink keeps the compiler from dropping a read.
var sink byte

func TestWrittenPagesAreTheCopiedOnes(t *testing.T) {
	t.Parallel()
	f, err := newImageFile(make([]byte, 64*pageSize))
	if err != nil {
		t.Fatal(err)
	}
	defer f.close()
	mem := reserve(64 * uint64(pageSize))
	defer release(mem)
	if err := f.mapInto(mem, uint64(len(mem))); err != nil {
		t.Fatal(err)
	}
	// Reading a page maps its neighbours too (the kernel's fault-around),
	// so the pages checked lie far apart.
	sink = mem[40*pageSize]
	mem[20*pageSize] = 1
	populate(mem, []pageSpan{{60, 1}})
	got, ok := writtenPages(mem, &pageScan{})
	if !ok {
		t.Skip("/proc/self/pagemap cannot be read here; clones are not prefaulted")
	}
	want := map[int]bool{2: false, 40: false, 20: true, 60: !populateUnsupported.Load()}
	for page, use := range want {
		if got[page] != use {
			t.Errorf("page %d: got %v, want %v (all: %v)", page, got[page], use, got)
		}
	}
}
