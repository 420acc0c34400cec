package main

import (
	"strings"
	"testing"
)

// TestBenchFlagsThatNeedOthers: a flag that only refines another is
// refused without it, saying which, before anything runs.
func TestBenchFlagsThatNeedOthers(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"--settle", "200ms"}, "--settle 200ms needs --alternate"},
		{[]string{"--alternate", "2s", "--settle", "2s"}, "--settle 2s needs --alternate with spells longer"},
		{[]string{"--ghost"}, "--ghost needs --subscribers"},
	} {
		code, _, stderr := jobbox(t, append([]string{"bench", "--case", "none"}, c.args...)...)
		if code != exitUsage || !strings.Contains(stderr, c.says) {
			t.Errorf("jobbox bench %s: exit %d, %q; want %d and %q", strings.Join(c.args, " "), code, stderr, exitUsage, c.says)
		}
	}
}
