package setting

import (
	"strings"
	"testing"
	"time"
)

// TestValueForms pins the forms each typed value accepts, in each TOML
// type, and what it says of the others.
func TestValueForms(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		raw  string
		want time.Duration
		err  string
	}{
		{`30`, 30 * time.Second, ""},
		{`1.5`, 1500 * time.Millisecond, ""},
		{`1_000`, 1000 * time.Second, ""},
		{`"90s"`, 90 * time.Second, ""},
		{`'1h30m'`, 90 * time.Minute, ""},
		{`"30"`, 0, `"30" is not a duration`},
		{`-1`, 0, "must be a positive number of seconds, not -1"},
		{`nan`, 0, "must be a positive number of seconds, not NaN"},
		{`true`, 0, "must be a number of seconds or a duration string, not true"},
		{`[1, 2]`, 0, "not [1 2]"},
		{`= =`, 0, "must be a number of seconds or a duration string, not = ="},
	} {
		var d Duration
		if err := d.UnmarshalTOML([]byte(tc.raw)); err != nil {
			t.Fatalf("%s: %v", tc.raw, err)
		}
		if !d.IsSet() || d.Duration() != tc.want || (d.err == nil) != (tc.err == "") ||
			(d.err != nil && !strings.Contains(d.err.Error(), tc.err)) {
			t.Errorf("duration %s: got %s, %v; want %s, %q", tc.raw, d.Duration(), d.err, tc.want, tc.err)
		}
	}
	for _, tc := range []struct {
		raw  string
		want uint64
		err  string
	}{
		{`1024`, 1024, ""},
		{`"64MiB"`, 64 << 20, ""},
		{`"2 kb"`, 2000, ""},
		{`"1.5MiB"`, 0, `"1.5MiB" is not a size`},
		{`-1`, 0, "must not be negative"},
		{`1.5`, 0, "must be a number of bytes or a size string, not 1.5"},
	} {
		var s Size
		_ = s.UnmarshalTOML([]byte(tc.raw))
		if s.Bytes() != tc.want || (s.err == nil) != (tc.err == "") || (s.err != nil && !strings.Contains(s.err.Error(), tc.err)) {
			t.Errorf("size %s: got %d, %v; want %d, %q", tc.raw, s.Bytes(), s.err, tc.want, tc.err)
		}
	}
	for raw, whole := range map[string]bool{`5`: true, `0x10`: true, `1.5`: false, `"5"`: false} {
		var c Count
		_ = c.UnmarshalTOML([]byte(raw))
		if c.whole != whole {
			t.Errorf("count %s: whole %v, want %v", raw, c.whole, whole)
		}
	}
}
