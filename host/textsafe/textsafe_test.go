package textsafe

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestEscape(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"plain text, café":        "plain text, café",
		"clear\x1b[2Jscreen":      `clear\x1b[2Jscreen`,
		"two\nlines\r":            `two\nlines\r`,
		`C:\jobs\x.lua`:           `C:\jobs\x.lua`,
		"bad \xff byte":           `bad \xff byte`,
		"c1 \u009b csi":           `c1 \u009b csi`,
		"bidi \u202eevil":         `bidi \u202eevil`,
		"bell\a and del\x7f":      `bell\x07 and del\x7f`,
		"real \uFFFD replacement": "real \uFFFD replacement",
	} {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzEscape checks that nothing a job writes survives as a control
// character or invalid UTF-8.
func FuzzEscape(f *testing.F) {
	for _, s := range []string{"", "ok", "\x1b[2J", "\xff\xfe", "a\\b\n", "\u202e\u009b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Escape(s)
		if !utf8.ValidString(out) {
			t.Fatalf("Escape(%q) = %q: invalid UTF-8", s, out)
		}
		if i := strings.IndexFunc(out, func(r rune) bool { return unicode.IsControl(r) || unsafeRune(r) }); i >= 0 {
			t.Fatalf("Escape(%q) = %q: a control character at %d", s, out, i)
		}
	})
}
