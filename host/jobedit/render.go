package jobedit

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Fields are a job's settings, the keys of its [[jobs]] table, as a JSON
// object decodes (use json.Decoder.UseNumber): values are strings, bools,
// numbers (json.Number, int, int64, float64), arrays ([]any) and tables
// (map[string]any). A nil value leaves its key out.
type Fields = map[string]any

// The keys written first, in this order, as README's examples write them;
// the other keys follow in sorted order, then the sub-tables.
var leadKeys = []string{"name", "file", "interval", "run_once", "active"}

var bareKey = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// maxDepth bounds nested arrays and tables in a value: far more than a job
// needs, and a guard for the recursion.
const maxDepth = 16

// rendered is a job's table as TOML text.
type rendered struct {
	text []byte
	name any // the job's name, as given
}

// render writes fields as a [[jobs]] table, lines ending in nl.
func render(fields Fields, nl string) (rendered, error) {
	r := rendered{name: fields["name"]}
	line := func(text string) {
		r.text = append(r.text, text...)
		r.text = append(r.text, nl...)
	}
	line("[[jobs]]")
	var tables []string
	for _, k := range orderedKeys(fields) {
		v := fields[k]
		if !utf8.ValidString(k) {
			return r, &InvalidError{Problems: []Problem{{Message: fmt.Sprintf("key %q is not valid UTF-8 text", k)}}}
		}
		if _, ok := v.(map[string]any); ok {
			tables = append(tables, k)
			continue
		}
		s, err := value(v, 0)
		if err != nil {
			return r, &InvalidError{Problems: []Problem{{Field: k, Message: fmt.Sprintf("%s: %v", k, err)}}}
		}
		line(key(k) + " = " + s)
	}
	for _, t := range tables {
		sub := fields[t].(map[string]any)
		line("")
		line("[jobs." + key(t) + "]")
		for _, k := range orderedKeys(sub) {
			s, err := value(sub[k], 1)
			if !utf8.ValidString(k) {
				err = fmt.Errorf("key %q is not valid UTF-8 text", k)
			}
			if err != nil {
				return r, &InvalidError{Problems: []Problem{{Field: t + "." + k, Message: fmt.Sprintf("%s.%s: %v", t, k, err)}}}
			}
			line(key(k) + " = " + s)
		}
	}
	return r, nil
}

// orderedKeys returns the keys of m with a value: the lead keys first,
// then the others sorted, tables (in the caller's hands) among them.
func orderedKeys(m map[string]any) []string {
	var keys []string
	for _, k := range leadKeys {
		if m[k] != nil {
			keys = append(keys, k)
		}
	}
	var rest []string
	for k, v := range m {
		if v != nil && !slices.Contains(leadKeys, k) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	return append(keys, rest...)
}

// key writes a key bare when TOML allows it, quoted otherwise.
func key(k string) string {
	if bareKey.MatchString(k) {
		return k
	}
	return quote(k)
}

// value writes v as a TOML value.
func value(v any, depth int) (string, error) {
	if depth > maxDepth {
		return "", fmt.Errorf("nests arrays or tables deeper than %d", maxDepth)
	}
	switch v := v.(type) {
	case string:
		if !utf8.ValidString(v) {
			return "", fmt.Errorf("is not valid UTF-8 text")
		}
		return quote(v), nil
	case bool:
		return strconv.FormatBool(v), nil
	case int:
		return strconv.Itoa(v), nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case float64:
		return float(v), nil
	case json.Number:
		if n, err := v.Int64(); err == nil {
			return strconv.FormatInt(n, 10), nil
		}
		f, err := v.Float64()
		if err != nil {
			return "", fmt.Errorf("%q is not a number", string(v))
		}
		return float(f), nil
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			s, err := value(e, depth+1)
			if err != nil {
				return "", err
			}
			parts[i] = s
		}
		return "[" + strings.Join(parts, ", ") + "]", nil
	case map[string]any:
		keys := orderedKeys(v)
		parts := make([]string, len(keys))
		for i, k := range keys {
			if !utf8.ValidString(k) {
				return "", fmt.Errorf("key %q is not valid UTF-8 text", k)
			}
			s, err := value(v[k], depth+1)
			if err != nil {
				return "", err
			}
			parts[i] = key(k) + " = " + s
		}
		if len(parts) == 0 {
			return "{}", nil
		}
		return "{ " + strings.Join(parts, ", ") + " }", nil
	case nil:
		return "", fmt.Errorf("has no value (TOML has no null)")
	}
	return "", fmt.Errorf("has a value of type %T, which TOML cannot hold", v)
}

// float writes f as TOML: a whole number as an integer (JSON does not tell
// 10 from 10.0), otherwise a float.
func float(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case f == math.Trunc(f) && math.Abs(f) < 1<<53:
		return strconv.FormatInt(int64(f), 10)
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eEn") {
		s += ".0"
	}
	return s
}

// quote writes s as a TOML basic string.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
