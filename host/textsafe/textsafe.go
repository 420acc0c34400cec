// Package textsafe makes text from jobs safe to print to a terminal. A job
// chooses its errors and log lines, so, printed raw, they could move the
// cursor, clear the screen, retitle the window or hide text from the
// operator who reads them (terminal escape sequences, bidirectional
// overrides).
package textsafe

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Escape returns s with every control character, invalid UTF-8 byte and
// character that reorders or splits lines written as a Go escape (\x1b,
// \n, \u202e), so the result is one line of plain text. Text without such
// characters is returned as it is. Backslashes stay as they are, so
// Windows paths read right; a job that writes a literal "\x1b" only shows
// text.
func Escape(s string) string {
	if clean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// clean reports whether s needs no escape. (Ranging over invalid UTF-8
// yields utf8.RuneError.)
func clean(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == utf8.RuneError || unsafeRune(r) {
			return false
		}
	}
	return true
}

// unsafeRune reports C1 controls (0x9b is a one-byte CSI to some
// terminals), bidirectional controls, and line and paragraph separators.
func unsafeRune(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f,
		r >= 0x202a && r <= 0x202e,
		r >= 0x2066 && r <= 0x2069,
		r == 0x200e, r == 0x200f, r == 0x061c,
		r == 0x2028, r == 0x2029:
		return true
	}
	return false
}
