package pagemem

import "testing"

// sink keeps the compiler from dropping a read.
var sink byte

// mapped returns a reservation of pages pages mapping a zeroed image.
func mapped(t *testing.T, pages int) []byte {
	t.Helper()
	f, err := NewImage(make([]byte, pages*pageSize))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Close)
	mem := Reserve(uint64(pages * pageSize))
	t.Cleanup(func() { Release(mem) })
	if err := f.MapInto(mem, uint64(len(mem))); err != nil {
		t.Fatal(err)
	}
	return mem
}

func TestWrittenPagesAreTheCopiedOnes(t *testing.T) {
	t.Parallel()
	mem := mapped(t, 64)
	// Reading a page maps its neighbours too (the kernel's fault-around),
	// so the pages checked lie far apart.
	sink = mem[40*pageSize]
	mem[20*pageSize] = 1
	Populate(mem, []Span{{60, 1}})
	got, ok := Written(mem, &Scan{})
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

func TestCopyBackRestoresTheImage(t *testing.T) {
	t.Parallel()
	snapshot := make([]byte, 8*pageSize)
	snapshot[3*pageSize] = 7
	f, err := NewImage(snapshot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	mem := Reserve(uint64(len(snapshot)))
	defer Release(mem)
	if err := f.MapInto(mem, uint64(len(mem))); err != nil {
		t.Fatal(err)
	}
	mem[3*pageSize], mem[6*pageSize+1] = 1, 2
	if !CopyBack(mem, f.View(), &Scan{}) {
		t.Skip("/proc/self/pagemap cannot be read here")
	}
	if mem[3*pageSize] != 7 || mem[6*pageSize+1] != 0 {
		t.Errorf("after CopyBack, the written bytes are %d and %d, want 7 and 0", mem[3*pageSize], mem[6*pageSize+1])
	}
}
