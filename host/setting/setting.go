// Package setting holds the values config.toml may write in more than one
// TOML type: durations (30 and "30s"), sizes (1048576 and "1MiB") and
// counts. The config's own settings and the core modules' options (package
// options) both decode into them, so a value is decoded once, where it is
// read, and a Validate only checks it.
package setting

import (
	"bytes"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// The config's decoder hands each value to it once, through go-toml's
// unstable.Unmarshaler (Decoder.EnableUnmarshalerInterface): an
// encoding.TextUnmarshaler is handed the bare text of a number too, so it
// could not tell the integer 30 (seconds) from the string "30" (an error).
//
// A value that does not decode keeps why (Err), and Validate reports it with
// every other problem of the file at once, at the key's position, instead
// of the decoder stopping at the first. The zero value is "not written":
// a job's limit left unset takes the one of [limits].

// The decoder finds these through the interface; a changed signature would
// silently fall back to go-toml's own decoding, and fail every config.
var (
	_ unstable.Unmarshaler = (*Duration)(nil)
	_ unstable.Unmarshaler = (*Size)(nil)
	_ unstable.Unmarshaler = (*Count)(nil)
)

// Duration is a length of time: a number of seconds (30, 1.5) or a Go
// duration string ("90s", "1h30m").
type Duration struct {
	d    time.Duration
	text string // as written, for messages
	err  error  // why the written value is not a duration
	set  bool
}

// DurationOf returns d as if written in the file.
func DurationOf(d time.Duration) Duration { return Duration{d: d, text: d.String(), set: true} }

// Seconds returns n seconds as if written in the file as a number.
func Seconds(n int64) Duration {
	var d Duration
	d.decode(n)
	return d
}

// UnmarshalTOML decodes raw, the TOML text of the value.
func (d *Duration) UnmarshalTOML(raw []byte) error {
	v, err := Decode(raw)
	if err != nil {
		*d = Duration{text: string(raw), set: true,
			err: fmt.Errorf("must be a number of seconds or a duration string, not %s", raw)}
		return nil
	}
	d.decode(v)
	return nil
}

func (d *Duration) decode(v any) {
	*d = Duration{text: fmt.Sprint(v), set: true}
	d.d, d.err = duration(v)
}

// Duration returns the length of time; 0 when unset or invalid.
func (d Duration) Duration() time.Duration { return d.d }

// IsSet reports whether the value was written (or defaulted).
func (d Duration) IsSet() bool { return d.set }

// String returns the value as written.
func (d Duration) String() string { return d.text }

// Err returns why the value written is not a duration, or nil.
func (d Duration) Err() error { return d.err }

// Size is a number of bytes, or a string such as "64MiB" or "512KB".
type Size struct {
	n    uint64
	text string
	err  error
	set  bool
}

// SizeOf returns a size written as text, such as "64MiB"; it panics on
// text that is not a size, as it is for the defaults in the code.
func SizeOf(text string) Size {
	var s Size
	s.decode(text)
	if s.err != nil {
		panic(s.err)
	}
	return s
}

// UnmarshalTOML decodes raw, the TOML text of the value.
func (s *Size) UnmarshalTOML(raw []byte) error {
	v, err := Decode(raw)
	if err != nil {
		*s = Size{text: string(raw), set: true,
			err: fmt.Errorf("must be a number of bytes or a size string, not %s", raw)}
		return nil
	}
	s.decode(v)
	return nil
}

func (s *Size) decode(v any) {
	*s = Size{text: fmt.Sprint(v), set: true}
	s.n, s.err = size(v)
}

// Bytes returns the size; 0 when unset or invalid.
func (s Size) Bytes() uint64 { return s.n }

// IsSet reports whether the value was written (or defaulted).
func (s Size) IsSet() bool { return s.set }

// String returns the value as written.
func (s Size) String() string { return s.text }

// Err returns why the value written is not a size, or nil.
func (s Size) Err() error { return s.err }

// Count is a whole number. It is decoded leniently, as any TOML value, so
// that a wrong one is reported with its bounds ("must be a whole number from
// 1 to 1000000, not 1.5") among the file's other problems.
type Count struct {
	n     int64
	text  string
	whole bool // written as a TOML integer
	set   bool
}

// CountOf returns n as if written in the file.
func CountOf(n int64) Count {
	return Count{n: n, text: strconv.FormatInt(n, 10), whole: true, set: true}
}

// UnmarshalTOML decodes raw, the TOML text of the value.
func (c *Count) UnmarshalTOML(raw []byte) error {
	*c = Count{text: string(raw), set: true}
	if v, err := Decode(raw); err == nil {
		c.text = fmt.Sprint(v)
		c.n, c.whole = v.(int64)
	}
	return nil
}

// Int returns the number; 0 when unset or not a whole number.
func (c Count) Int() int64 { return c.n }

// IsSet reports whether the value was written (or defaulted).
func (c Count) IsSet() bool { return c.set }

// String returns the value as written.
func (c Count) String() string { return c.text }

// In reports whether c is a whole number from 1 to max.
func (c Count) In(max int64) bool { return c.whole && c.n >= 1 && c.n <= max }

// Decode decodes the TOML text of one value as go-toml decodes it into
// an interface: int64, float64, string, bool, a date or time, []any or
// map[string]any.
func Decode(raw []byte) (any, error) {
	if v, ok := decodeSimple(raw); ok {
		return v, nil
	}
	var doc struct {
		V any `toml:"v"`
	}
	err := toml.Unmarshal(slices.Concat([]byte("v = "), raw), &doc)
	return doc.V, err
}

// decodeSimple decodes, without a TOML decoder, the forms nearly every
// config writes: a decimal integer, and a string with no escape. It
// reports false for anything else.
func decodeSimple(raw []byte) (any, bool) {
	if len(raw) >= 2 && (raw[0] == '"' || raw[0] == '\'') && raw[len(raw)-1] == raw[0] {
		inner := raw[1 : len(raw)-1]
		for _, b := range inner {
			if b == raw[0] || b == '\\' || b < 0x20 || b == 0x7f {
				return nil, false
			}
		}
		return string(inner), true
	}
	digits := bytes.TrimPrefix(raw, []byte("-"))
	if len(digits) == 0 || (digits[0] == '0' && len(digits) > 1) {
		return nil, false
	}
	for _, b := range digits {
		if b < '0' || b > '9' {
			return nil, false
		}
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	return n, err == nil
}

// duration reads a number of seconds or a Go duration string.
func duration(v any) (time.Duration, error) {
	switch x := v.(type) {
	case int64:
		if x < 0 || x > math.MaxInt64/int64(time.Second) {
			return 0, fmt.Errorf("must be a positive number of seconds, not %d", x)
		}
		return time.Duration(x) * time.Second, nil
	case float64:
		if !(x >= 0) || x > float64(math.MaxInt64/int64(time.Second)) { // NaN too
			return 0, fmt.Errorf("must be a positive number of seconds, not %v", x)
		}
		return time.Duration(x * float64(time.Second)), nil
	case string:
		d, err := time.ParseDuration(x)
		if err != nil || d < 0 {
			return 0, fmt.Errorf("%q is not a duration like \"90s\", \"5m\" or \"1h30m\"", x)
		}
		return d, nil
	}
	return 0, fmt.Errorf("must be a number of seconds or a duration string, not %v", v)
}

var sizeUnits = map[string]uint64{
	"": 1, "b": 1,
	"kb": 1000, "mb": 1000 * 1000, "gb": 1000 * 1000 * 1000,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30,
}

var sizePattern = regexp.MustCompile(`^\s*(\d+)\s*([A-Za-z]*)\s*$`)

// size reads a number of bytes or a string such as "64MiB".
func size(v any) (uint64, error) {
	switch x := v.(type) {
	case int64:
		if x < 0 {
			return 0, fmt.Errorf("must not be negative")
		}
		return uint64(x), nil
	case string:
		m := sizePattern.FindStringSubmatch(x)
		if m != nil {
			unit, ok := sizeUnits[strings.ToLower(m[2])]
			n, err := strconv.ParseUint(m[1], 10, 64)
			if ok && err == nil && n <= math.MaxUint64/unit {
				return n * unit, nil
			}
		}
		return 0, fmt.Errorf("%q is not a size like \"64MiB\", \"512KiB\" or a number of bytes", x)
	}
	return 0, fmt.Errorf("must be a number of bytes or a size string, not %v", v)
}
