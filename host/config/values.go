package config

import (
	"fmt"
	"time"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"

	"github.com/jobbox/jobbox/host/setting"
)

// Duration, Size and Count are values config.toml may write in more than
// one TOML type: 30 and "30s", 1048576 and "1MiB". They are package
// setting's, shared with the core modules' options; Parse decodes each
// once, and Validate only reads them.
type (
	Duration = setting.Duration
	Size     = setting.Size
	Count    = setting.Count
)

// DurationOf returns d as if written in the file.
func DurationOf(d time.Duration) Duration { return setting.DurationOf(d) }

// Seconds returns n seconds as if written in the file as a number.
func Seconds(n int64) Duration { return setting.Seconds(n) }

// SizeOf returns a size written as text, such as "64MiB"; it panics on
// text that is not a size, as it is for the defaults in the code.
func SizeOf(text string) Size { return setting.SizeOf(text) }

// CountOf returns n as if written in the file.
func CountOf(n int64) Count { return setting.CountOf(n) }

// The decoder finds Zone through the interface; a changed signature would
// silently fall back to go-toml's own decoding, and fail every config.
var _ unstable.Unmarshaler = (*Zone)(nil)

// Zone is the time zone the helpers call local time: an IANA name such as
// "Europe/Paris", or "Local" for the host's own.
type Zone struct {
	name string
	loc  *time.Location
	err  error
}

// ZoneOf returns the zone named name, as if written in the file.
func ZoneOf(name string) Zone {
	var z Zone
	_ = z.UnmarshalText([]byte(name))
	return z
}

// UnmarshalTOML decodes raw, the TOML text of the value, which must be a
// string: an encoding.TextUnmarshaler would be handed numbers and booleans
// as text too.
func (z *Zone) UnmarshalTOML(raw []byte) error {
	v, err := setting.Decode(raw)
	if name, ok := v.(string); ok && err == nil {
		return z.UnmarshalText([]byte(name))
	}
	*z = Zone{name: string(raw), err: fmt.Errorf("timezone must be a string, not a TOML %s", tomlKind(v))}
	return nil
}

// tomlKind names the TOML type of v, a value setting.Decode returned.
func tomlKind(v any) string {
	switch v.(type) {
	case int64:
		return "integer"
	case float64:
		return "float"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case map[string]any:
		return "inline table"
	case time.Time:
		return "datetime"
	case toml.LocalDate:
		return "local date"
	case toml.LocalTime:
		return "local time"
	case toml.LocalDateTime:
		return "local datetime"
	}
	return "value"
}

// UnmarshalText loads the zone named text. A name that is no zone keeps
// its error for Validate.
func (z *Zone) UnmarshalText(text []byte) error {
	*z = Zone{name: string(text)}
	if loc, err := loadLocation(z.name); err != nil {
		z.err = fmt.Errorf("timezone %q is not a known IANA zone name (like \"Europe/Paris\") or \"Local\"", z.name)
	} else {
		z.loc = loc
	}
	return nil
}

// Location returns the zone; nil when its name is no zone.
func (z Zone) Location() *time.Location { return z.loc }

// String returns the name as written.
func (z Zone) String() string { return z.name }

func loadLocation(name string) (*time.Location, error) {
	if name == "" || name == "Local" {
		return time.Local, nil
	}
	return time.LoadLocation(name)
}
