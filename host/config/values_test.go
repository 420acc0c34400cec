package config

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
	for raw, err := range map[string]string{`"UTC"`: "", `"Mars/X"`: `timezone "Mars/X" is not a known`, `5`: "not a TOML integer", `1979-05-27`: "not a TOML local date"} {
		var z Zone
		_ = z.UnmarshalTOML([]byte(raw))
		if (z.err == nil) != (err == "") || (z.err != nil && !strings.Contains(z.err.Error(), err)) || (z.err == nil) != (z.Location() != nil) {
			t.Errorf("zone %s: %v, %v; want %q", raw, z.Location(), z.err, err)
		}
	}
}

// FuzzValues feeds arbitrary TOML text to the typed values: they keep an
// error or a value in range, never panic nor fail the decoder.
func FuzzValues(f *testing.F) {
	for _, seed := range []string{`30`, `1.5`, `"90s"`, `"64MiB"`, `nan`, `-inf`, `[1, "2"]`, `{a = 1}`, `1979-05-27`, `"""x"""`, `'''y'''`, `"Europe/Paris"`, `= =`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var d Duration
		var s Size
		var c Count
		var z Zone
		for _, u := range []interface{ UnmarshalTOML([]byte) error }{&d, &s, &c, &z} {
			if err := u.UnmarshalTOML(raw); err != nil {
				t.Fatalf("%q: %v", raw, err)
			}
		}
		if d.err == nil && d.d < 0 {
			t.Fatalf("%q: duration %s", raw, d.d)
		}
		if (z.err == nil) != (z.loc != nil) {
			t.Fatalf("%q: zone %v with error %v", raw, z.loc, z.err)
		}
		if !d.set || !s.set || !c.set {
			t.Fatalf("%q: a decoded value is not set", raw)
		}
	})
}
