package meter

import "fmt"

// Structural limits, checked before wazero sees a module. wazero's compile
// time and memory grow with these (steeply with nesting and br_table
// size), and it cannot cancel a compile, so they bound what loading one
// guest costs. Each is several times what the largest guest jobbox ships
// needs (RATIONALE.md, "Why guests have structural limits", has the
// measurements and the compile time of a module at each limit).
const (
	maxTypes          = 10_000    // function types
	maxParams         = 1_000     // parameters, and results, of one type
	maxImports        = 10_000    // imports
	maxExports        = 10_000    // exports
	maxFunctions      = 50_000    // functions, imported and defined
	maxTables         = 16        // tables
	maxTableElements  = 1 << 17   // elements of all tables together, ever
	maxGlobals        = 10_000    // globals, imported and defined
	maxDataSegments   = 200_000   // data segments
	maxElemSegments   = 10_000    // element segments
	maxLocals         = 50_000    // locals of one function
	maxFunctionBytes  = 1 << 20   // the body of one function
	maxCodeBytes      = 16 << 20  // the code section
	maxNesting        = 4_096     // blocks, loops and ifs open at once in a function
	maxBrTable        = 8_192     // targets of one br_table
	maxBrTableTargets = 512 << 10 // targets of every br_table of the module
	// maxCompileWork bounds what wazero's compile time grows with beyond
	// the code's size: the sum, over every block, loop and if, of the
	// depth it opens at, and over every br_table, of the square of its
	// targets (shape.compileWork).
	maxCompileWork = 128 << 20
)

// counts maps a section to the limit on its entries and what they are.
var counts = map[byte]struct {
	limit uint32
	what  string
}{
	secType:    {maxTypes, "function types"},
	secImport:  {maxImports, "imports"},
	secExport:  {maxExports, "exports"},
	secData:    {maxDataSegments, "data segments"},
	secElement: {maxElemSegments, "element segments"},
}

// checkCounts refuses a module whose sections hold more than the limits.
func (m *module) checkCounts() error {
	for _, s := range m.sections {
		c, ok := counts[s.id]
		if !ok {
			continue
		}
		if n, _ := (&reader{b: s.body}).u32(); n > c.limit { // parse read it once already
			return fmt.Errorf("the module declares %d %s; the limit is %d", n, c.what, c.limit)
		}
	}
	if n := len(m.funcTypes); n > maxFunctions {
		return fmt.Errorf("the module declares %d functions; the limit is %d", n, maxFunctions)
	}
	if n := uint64(m.importedGlobals) + uint64(m.definedGlobals); n > maxGlobals {
		return fmt.Errorf("the module declares %d globals; the limit is %d", n, maxGlobals)
	}
	if n := len(m.find(secCode)); n > maxCodeBytes {
		return fmt.Errorf("the module has %d bytes of code; the limit is %d", n, maxCodeBytes)
	}
	for i, t := range m.types {
		if len(t.params) > maxParams || len(t.results) > maxParams {
			return fmt.Errorf("function type %d has %d parameters and %d results; the limit is %d of each", i, len(t.params), len(t.results), maxParams)
		}
	}
	return nil
}

// checkShape refuses a function body beyond the per-function limits.
func checkShape(s *shape, size int) error {
	switch {
	case size > maxFunctionBytes:
		return fmt.Errorf("its body takes %d bytes; the limit is %d", size, maxFunctionBytes)
	case s.maxBrTable > maxBrTable:
		return fmt.Errorf("a br_table has %d targets; the limit is %d", s.maxBrTable, maxBrTable)
	case s.maxNesting > maxNesting:
		return fmt.Errorf("it nests blocks %d deep; the limit is %d", s.maxNesting, maxNesting)
	case s.compileWork > maxCompileWork:
		return fmt.Errorf("its blocks and br_tables would take too long to compile (work %d; the limit is %d)", s.compileWork, maxCompileWork)
	}
	return nil
}
