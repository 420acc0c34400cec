package main

import (
	"fmt"
	"strings"

	"github.com/yuin/gopher-lua/ast"
)

// coreRead is a read of core.NAME, or of core.MODULE.METHOD (method set),
// possibly through a local alias of the module (`local mysql = core.mysql`).
type coreRead struct {
	name, method, text string
	line               int
}

// coreUse records e when it reads a core name or a module method, and
// reports whether it did, so the walk need not descend into it.
func (c *checker) coreUse(e *ast.AttrGetExpr) bool {
	key, ok := e.Key.(*ast.StringExpr)
	if !ok {
		return false
	}
	if name, ok := jobFieldOf(e, "core"); ok {
		c.coreReads = append(c.coreReads, coreRead{name: name, text: "core." + name, line: e.Line()})
		return true
	}
	if mod, ok := jobFieldOf(e.Object, "core"); ok {
		c.coreReads = append(c.coreReads, coreRead{name: mod, method: key.Value, text: "core." + mod + "." + key.Value, line: e.Line()})
		return true
	}
	if id, ok := e.Object.(*ast.IdentExpr); ok {
		if mod, ok := c.aliases[id.Value]; ok {
			c.coreReads = append(c.coreReads, coreRead{name: mod, method: key.Value, text: id.Value + "." + key.Value, line: e.Line()})
			return true
		}
	}
	return false
}

// noteAlias remembers `local NAME = core.MODULE` for a module with methods.
func (c *checker) noteAlias(la *ast.LocalAssignStmt) {
	for i, e := range la.Exprs {
		if mod, ok := jobFieldOf(e, "core"); ok && i < len(la.Names) && moduleMethods[mod] != nil {
			c.aliases[la.Names[i]] = mod
		}
	}
}

// checkCoreReads reports each read of a core name or method jobbox lacks,
// once every assignment to core is known (a job may add its own fields).
func (c *checker) checkCoreReads() {
	for _, r := range c.coreReads {
		if why, ok := refusedNames[r.name]; ok {
			c.add(r.line, r.text, fmt.Sprintf("core.%s is not available in jobbox: %s", r.name, why))
			continue
		}
		if !coreNames[r.name] {
			if !c.coreAssigned[r.name] {
				c.add(r.line, r.text, "core."+r.name+" is not available in jobbox"+didYouMean(r.name, coreNames))
			}
			continue
		}
		methods := moduleMethods[r.name]
		if r.method != "" && methods != nil && !methods[r.method] {
			c.add(r.line, r.text, fmt.Sprintf("core.%s.%s is not available in jobbox%s", r.name, r.method, didYouMean(r.method, methods)))
		}
	}
}

// didYouMean names the known name closest to a misspelt one, if any is
// close: the same letters in another case, or at most two edits away.
func didYouMean(name string, known map[string]bool) string {
	best, bestDist := "", 3
	for k := range known {
		d := editDistance(strings.ToLower(name), strings.ToLower(k))
		if d < bestDist || d == bestDist && k < best {
			best, bestDist = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %s?)", best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
