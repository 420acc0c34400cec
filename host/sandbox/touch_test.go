package sandbox

import (
	"slices"
	"testing"
)

func TestTouchProfilePrefaultsWhatMostSamplesWrote(t *testing.T) {
	t.Parallel()
	const o, x = false, true
	p := &touchProfile{}
	p.add(pageWrites{x, x, o, o, x})
	if want := []pageSpan{{0, 2}, {4, 1}}; !slices.Equal(p.hot, want) {
		t.Errorf("after one sample, spans are %v, want %v", p.hot, want)
	}
	// One run that writes everything is outvoted by the runs that did not.
	p.add(pageWrites{x, x, o, o, x})
	p.add(pageWrites{x, x, o, o, x})
	p.add(pageWrites{x, x, x, x, x, x})
	if want := []pageSpan{{0, 2}, {4, 1}}; !slices.Equal(p.hot, want) {
		t.Errorf("spans are %v, want %v", p.hot, want)
	}
	// Samples older than the last touchSamples no longer count.
	for range touchSamples {
		p.add(pageWrites{o, x})
	}
	if want := []pageSpan{{1, 1}}; !slices.Equal(p.hot, want) {
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
