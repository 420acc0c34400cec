package sqlescape

import "testing"

func TestEscape(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":                   "",
		"Eat at Joe's":       `Eat at Joe\'s`,
		"a\x00b\n\r\\\"\x1a": `a\0b\n\r\\\"\Z`,
		"héllo %_":           "héllo %_",
	} {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestQuote(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":             "''",
		"Eat at Joe's": `'Eat at Joe\'s'`,
		"a\x00\x1a":    `'a\0\Z'`,
	} {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%q) = %q, want %q", in, got, want)
		}
	}
}
