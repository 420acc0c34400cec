package config

import (
	"strings"
	"testing"
)

// TestZoneForms pins the forms a timezone accepts, and what it says of
// the others.
func TestZoneForms(t *testing.T) {
	t.Parallel()
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
		if d.Err() == nil && d.Duration() < 0 {
			t.Fatalf("%q: duration %s", raw, d.Duration())
		}
		if (z.err == nil) != (z.loc != nil) {
			t.Fatalf("%q: zone %v with error %v", raw, z.loc, z.err)
		}
		if !d.IsSet() || !s.IsSet() || !c.IsSet() {
			t.Fatalf("%q: a decoded value is not set", raw)
		}
	})
}
