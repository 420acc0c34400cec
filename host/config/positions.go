package config

import (
	"slices"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// positions maps a key path to where it is written. Elements of arrays of
// tables get their index as a path part: "jobs.2.interval" is the interval
// of the third [[jobs]].
type positions map[string][2]int

// of returns the position of key, or of its nearest written ancestor.
func (p positions) of(key string) (line, col int) {
	for {
		if pos, ok := p[key]; ok {
			return pos[0], pos[1]
		}
		i := strings.LastIndexByte(key, '.')
		if i < 0 {
			return 1, 1
		}
		key = key[:i]
	}
}

// locate records the position of every table header and key in data. Data
// has already decoded cleanly, so the parser cannot fail here.
func locate(data []byte) positions {
	pos := positions{}
	counts := map[string]int{} // elements seen per array of tables
	var p unstable.Parser
	p.Reset(data)
	table := ""
	// Where each line starts, found once: the parser's own Shape counts
	// lines from the top for every call, quadratic in a config of
	// 100,000 jobs.
	lineStarts := []int{0}
	for i, c := range data {
		if c == '\n' {
			lineStarts = append(lineStarts, i+1)
		}
	}
	at := func(n *unstable.Node) [2]int {
		off := int(n.Raw.Offset)
		line, _ := slices.BinarySearch(lineStarts, off+1) // lines starting at or before off
		return [2]int{line, off - lineStarts[line-1] + 1}
	}
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			key, first := resolveKey(e, counts, "")
			if e.Kind == unstable.ArrayTable {
				counts[key]++
				key += "." + strconv.Itoa(counts[key]-1)
			}
			table = key
			if first != nil {
				pos[key] = at(first)
			}
		case unstable.KeyValue:
			key, first := resolveKey(e, counts, table)
			if first != nil {
				pos[key] = at(first)
			}
		}
	}
	return pos
}

// resolveKey joins the key parts of e under prefix, putting in each array of
// tables the index of its latest element.
func resolveKey(e *unstable.Node, counts map[string]int, prefix string) (string, *unstable.Node) {
	key := prefix
	var first *unstable.Node
	it := e.Key()
	for it.Next() {
		n := it.Node()
		if first == nil {
			first = n
		}
		if key != "" {
			key += "."
		}
		key += string(n.Data)
		if c, ok := counts[key]; ok && !(e.Kind == unstable.ArrayTable && it.IsLast()) {
			key += "." + strconv.Itoa(c-1)
		}
	}
	return key, first
}
