package sandbox

import (
	"slices"
	"testing"
)

func TestTouchProfilePrefaultsWhatMostSamplesTouched(t *testing.T) {
	t.Parallel()
	const u, r, w = pageUntouched, pageRead, pageWritten
	p := &touchProfile{}
	p.add(pageTouch{w, w, r, u, w})
	if want := []pageSpan{{0, 2}, {4, 1}}; !slices.Equal(p.written, want) {
		t.Errorf("after one sample, written spans are %v, want %v", p.written, want)
	}
	if want := []pageSpan{{2, 1}}; !slices.Equal(p.read, want) {
		t.Errorf("after one sample, read spans are %v, want %v", p.read, want)
	}
	// One run that writes everything is outvoted by the runs that did not.
	p.add(pageTouch{w, w, r, u, w})
	p.add(pageTouch{w, w, r, u, w})
	p.add(pageTouch{w, w, w, w, w, w})
	if want := []pageSpan{{0, 2}, {4, 1}}; !slices.Equal(p.written, want) {
		t.Errorf("written spans are %v, want %v", p.written, want)
	}
	if want := []pageSpan{{2, 1}}; !slices.Equal(p.read, want) {
		t.Errorf("read spans are %v, want %v", p.read, want)
	}
	// Samples older than the last touchSamples no longer count.
	for range touchSamples {
		p.add(pageTouch{u, r, u, u, u})
	}
	if len(p.written) != 0 || !slices.Equal(p.read, []pageSpan{{1, 1}}) {
		t.Errorf("after the pattern changed, spans are written %v, read %v; want none and [{1 1}]", p.written, p.read)
	}
}

func TestTouchProfileSamplesFirstRunsThenEveryFew(t *testing.T) {
	t.Parallel()
	p := &touchProfile{}
	var sampled []int
	for run := 1; run <= 3*touchEvery; run++ {
		if p.wantSample() {
			sampled = append(sampled, run)
		}
	}
	want := []int{1, 2, 3, 4, touchEvery, 2 * touchEvery, 3 * touchEvery}
	if !slices.Equal(sampled, want) {
		t.Errorf("sampled runs %v, want %v", sampled, want)
	}
}
