package jobedit

import (
	"bytes"
	"slices"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// An update keeps what it can of the job's table as written: a key whose
// value does not change keeps its bytes (quoting, spacing, comment), a
// changed value is replaced in place, a removed key loses its line, and a
// new key goes after the last key of its table. Comments inside the table
// stay. A table written with dotted keys or inline tables where the
// rendering would write sub-tables is written anew instead (render).

// entry is one key of a job's table as written: its path ("interval",
// "limits.memory"), the bytes of its value and of its lines.
type entry struct {
	path               string
	valStart, valEnd   int
	lineStart, lineEnd int
}

// layout is a job's table as written, offsets relative to its span.
type layout struct {
	entries []entry
	// tables maps each sub-table to the end of its header's line and the
	// end of the line of its last key; "" is the [[jobs]] table itself.
	tables map[string][2]int
	order  []string // the sub-tables in the order written
}

// layoutOf reads the keys of table, the text of one [[jobs]] table; ok is
// false when it holds forms an edit in place does not handle.
func layoutOf(table []byte) (layout, bool) {
	l := layout{tables: map[string][2]int{}}
	var p unstable.Parser
	p.Reset(table)
	current := ""
	for p.NextExpression() {
		e := p.Expression()
		parts, first, last := keyOf(e)
		switch e.Kind {
		case unstable.ArrayTable:
			if len(parts) != 1 || len(l.tables) > 0 {
				return l, false
			}
			end := lineEnd(table, rawEnd(last))
			l.tables[""] = [2]int{end, end}
		case unstable.Table:
			if len(parts) != 2 || l.tables[parts[1]] != ([2]int{}) {
				return l, false
			}
			current = parts[1]
			end := lineEnd(table, rawEnd(last))
			l.tables[current] = [2]int{end, end}
			l.order = append(l.order, current)
		case unstable.KeyValue:
			if len(parts) != 1 || e.Value().Kind == unstable.InlineTable && current == "" {
				return l, false
			}
			eq := bytes.IndexByte(table[rawEnd(last):], '=')
			if eq < 0 {
				return l, false
			}
			start := rawEnd(last) + eq + 1
			for start < len(table) && (table[start] == ' ' || table[start] == '\t') {
				start++
			}
			path := parts[0]
			if current != "" {
				path = current + "." + parts[0]
			}
			end := rawEnd(e)
			en := entry{path: path, valStart: start, valEnd: end, lineStart: lineStart(table, int(first.Raw.Offset)), lineEnd: lineEnd(table, end)}
			l.entries = append(l.entries, en)
			t := l.tables[current]
			l.tables[current] = [2]int{t[0], en.lineEnd}
		}
	}
	_, ok := l.tables[""]
	return l, p.Error() == nil && ok
}

// flat is the values of a job's fields by path, rendered as TOML, and the
// sub-tables they hold.
type flat struct {
	values map[string]string
	tables map[string]bool
}

// flatten renders fields by path, as the table would write them.
func flatten(fields Fields) (flat, error) {
	f := flat{values: map[string]string{}, tables: map[string]bool{}}
	for k, v := range fields {
		if v == nil {
			continue
		}
		if sub, ok := v.(map[string]any); ok {
			f.tables[k] = true
			for sk, sv := range sub {
				if sv == nil {
					continue
				}
				s, err := value(sv, 1)
				if err != nil {
					return f, err
				}
				f.values[k+"."+sk] = s
			}
			continue
		}
		s, err := value(v, 0)
		if err != nil {
			return f, err
		}
		f.values[k] = s
	}
	return f, nil
}

// keep rewrites table, the text of a job's table whose fields are old, to
// hold fields, in place. ok is false when it cannot (see layoutOf).
func keep(table []byte, old, fields Fields, nl string) ([]byte, bool) {
	if len(table) > 0 && table[len(table)-1] != '\n' {
		table = append(bytes.Clone(table), nl...) // the last line of a file may have none
	}
	l, ok := layoutOf(table)
	if !ok {
		return nil, false
	}
	before, err1 := flatten(old)
	after, err2 := flatten(fields)
	if err1 != nil || err2 != nil {
		return nil, false
	}
	var changes []change
	seen := map[string]bool{}
	for _, en := range l.entries {
		seen[en.path] = true
		switch v, ok := after.values[en.path]; {
		case !ok:
			changes = append(changes, change{en.lineStart, en.lineEnd, ""})
		case v != before.values[en.path]:
			changes = append(changes, change{en.valStart, en.valEnd, v})
		}
	}
	for _, t := range l.order {
		if !after.tables[t] {
			hdr := l.tables[t][0]
			start := lineStart(table, hdr-1)
			for start > l.tables[""][0] && blankLine(table[lineStart(table, start-1):start]) {
				start = lineStart(table, start-1) // the blank lines that set it apart go too
			}
			changes = append(changes, change{start, hdr, ""})
		}
	}
	// New keys, in the order render writes them, after the last key of
	// their table; new sub-tables at the end, after the new keys.
	keys := orderedKeys(fields)
	for _, k := range keys {
		if _, isTable := fields[k].(map[string]any); !isTable && !seen[k] {
			changes = append(changes, change{l.tables[""][1], l.tables[""][1], key(k) + " = " + after.values[k] + nl})
		}
	}
	for _, k := range keys {
		sub, isTable := fields[k].(map[string]any)
		if !isTable {
			continue
		}
		var text strings.Builder
		t, exists := l.tables[k]
		if !exists {
			text.WriteString(nl + "[jobs." + key(k) + "]" + nl)
		}
		for _, sk := range orderedKeys(sub) {
			if !seen[k+"."+sk] {
				text.WriteString(key(sk) + " = " + after.values[k+"."+sk] + nl)
			}
		}
		at := len(table)
		if exists {
			at = t[1]
		}
		if text.Len() > 0 {
			changes = append(changes, change{at, at, text.String()})
		}
	}
	return apply(table, changes), true
}

// change replaces table[start:end] with text; start == end inserts.
type change struct {
	start, end int
	text       string
}

// apply makes changes, which do not overlap, to table. At one offset, a
// replacement applies before the insertions, and insertions in the order
// given.
func apply(table []byte, changes []change) []byte {
	// From the end, so the offsets still to apply stay valid; a stable
	// sort keeps the order given among changes at one offset, and then
	// the insertions there are written as one, in that order.
	slices.SortStableFunc(changes, func(a, b change) int { return b.start - a.start })
	out := bytes.Clone(table)
	for i := 0; i < len(changes); {
		c := changes[i]
		if c.end > c.start {
			out = splice(out, span{c.start, c.end}, []byte(c.text))
			i++
			continue
		}
		var text strings.Builder
		for ; i < len(changes) && changes[i].start == c.start && changes[i].end == c.start; i++ {
			text.WriteString(changes[i].text)
		}
		out = splice(out, span{c.start, c.start}, []byte(text.String()))
	}
	return out
}

// pathsByLine returns the key or sub-table each line of table, a job's
// table, sets ("" for other lines), to name the field of a problem.
func pathsByLine(table []byte) []string {
	paths := make([]string, bytes.Count(table, []byte{'\n'})+1)
	var p unstable.Parser
	p.Reset(table)
	current := ""
	for p.NextExpression() {
		e := p.Expression()
		parts, first, _ := keyOf(e)
		line := bytes.Count(table[:first.Raw.Offset], []byte{'\n'})
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			current = strings.Join(parts[1:], ".")
			paths[line] = current
		case unstable.KeyValue:
			path := strings.Join(parts, ".")
			if current != "" {
				path = current + "." + path
			}
			paths[line] = path
		}
	}
	return paths
}
