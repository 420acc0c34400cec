package pagemem

import (
	"slices"
	"testing"
)

func TestSpansJoinAdjacentPages(t *testing.T) {
	t.Parallel()
	const o, x = false, true
	for _, c := range []struct {
		w    Writes
		want []Span
	}{
		{nil, nil},
		{Writes{o, o}, nil},
		{Writes{x, x, o, o, x}, []Span{{0, 2}, {4, 1}}},
		{Writes{o, x, x, x}, []Span{{1, 3}}},
	} {
		if got := c.w.Spans(); !slices.Equal(got, c.want) {
			t.Errorf("%v.Spans() = %v, want %v", c.w, got, c.want)
		}
	}
}

func TestImageMapsItsContents(t *testing.T) {
	t.Parallel()
	src := []byte("snapshot")
	f, err := NewImage(src)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	mem := Reserve(uint64(PageSize()))
	defer Release(mem)
	if err := f.MapInto(mem, uint64(len(src))); err != nil {
		t.Fatal(err)
	}
	if string(mem[:len(src)]) != "snapshot" || string(f.View()) != "snapshot" {
		t.Errorf("mapped %q, view %q, want %q", mem[:len(src)], f.View(), src)
	}
	mem[0] = 'S' // a clone's write is its own
	if f.View()[0] != 's' {
		t.Error("writing the mapped memory changed the image")
	}
}
