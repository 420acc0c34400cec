package sandbox

import (
	"slices"
	"testing"

	"github.com/jobbox/jobbox/host/internal/pagemem"
)

func TestTouchProfilePrefaultsWhatMostSamplesWrote(t *testing.T) {
	t.Parallel()
	const o, x = false, true
	p := &touchProfile{}
	p.add(pagemem.Writes{x, x, o, o, x})
	if want := []pagemem.Span{{First: 0, Count: 2}, {First: 4, Count: 1}}; !slices.Equal(p.hot, want) {
		t.Errorf("after one sample, spans are %v, want %v", p.hot, want)
	}
	// One run that writes everything is outvoted by the runs that did not.
	p.add(pagemem.Writes{x, x, o, o, x})
	p.add(pagemem.Writes{x, x, o, o, x})
	p.add(pagemem.Writes{x, x, x, x, x, x})
	if want := []pagemem.Span{{First: 0, Count: 2}, {First: 4, Count: 1}}; !slices.Equal(p.hot, want) {
		t.Errorf("spans are %v, want %v", p.hot, want)
	}
	// Samples older than the last touchSamples no longer count.
	for range touchSamples {
		p.add(pagemem.Writes{o, x})
	}
	if want := []pagemem.Span{{First: 1, Count: 1}}; !slices.Equal(p.hot, want) {
		t.Errorf("after the pattern changed, spans are %v, want %v", p.hot, want)
	}
}

func TestTouchProfileSamplesFirstClonesThenEveryFew(t *testing.T) {
	t.Parallel()
	p := &touchProfile{}
	var sampled []int
	for clone := 1; clone <= 3*touchEvery; clone++ {
		if p.wantSample() {
			sampled = append(sampled, clone)
		}
	}
	want := []int{1, 2, 3, 4, touchEvery, 2 * touchEvery, 3 * touchEvery}
	if !slices.Equal(sampled, want) {
		t.Errorf("sampled clones %v, want %v", sampled, want)
	}
}
