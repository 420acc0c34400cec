package meter

import "fmt"

// TableElementBytes is the host memory wazero takes per table element (a
// pointer-sized reference; measured by TestTableElementBytes).
const TableElementBytes = 8

// table is a table the guest defines.
type table struct {
	ref      byte
	min, max uint32
	hasMax   bool
}

// readTables reads the table section, refusing more tables, or more
// elements in all, than the limits allow.
func (m *module) readTables() error {
	var elements uint64
	_, err := vector(m.find(secTable), func(i uint32, r *reader) error {
		var t table
		var err error
		if t.ref, err = r.byte(); err != nil {
			return err
		}
		flags, err := r.byte()
		if err != nil {
			return err
		}
		if flags > 1 {
			return fmt.Errorf("table %d has unsupported limits flags 0x%x", i, flags)
		}
		if t.min, err = r.u32(); err != nil {
			return err
		}
		if t.hasMax = flags == 1; t.hasMax {
			if t.max, err = r.u32(); err != nil {
				return err
			}
		}
		elements += uint64(t.min)
		m.tables = append(m.tables, t)
		m.tableTypes = append(m.tableTypes, t.ref)
		return nil
	})
	switch n := len(m.tableTypes); {
	case err != nil:
		return err
	case n > maxTables:
		return fmt.Errorf("the module declares %d tables; the limit is %d", n, maxTables)
	case elements > maxTableElements:
		return fmt.Errorf("the module's tables start with %d elements in all; the limit is %d", elements, maxTableElements)
	}
	return nil
}

// tableSection re-encodes the tables with maximums that keep all of them
// together within maxTableElements, so table.grow fails in the guest (it
// returns -1, as wasm allows) rather than allocating in the host. A table
// that declares no maximum keeps its initial size: no guest compiler
// jobbox knows grows such a table, and it would otherwise have to be
// charged for the whole limit. It returns the bytes the tables can take.
func (m *module) tableSection() ([]byte, uint64) {
	var spare uint64 = maxTableElements
	for _, t := range m.tables {
		spare -= uint64(t.min) // readTables kept the sum within the limit
	}
	out := appendU32(nil, uint32(len(m.tables)))
	var elements uint64
	for _, t := range m.tables {
		growth := uint64(0)
		if t.hasMax && t.max > t.min {
			growth = min(uint64(t.max-t.min), spare)
		}
		spare -= growth
		limit := uint64(t.min) + growth
		elements += limit
		out = append(out, t.ref, 1)
		out = appendU32(appendU32(out, t.min), uint32(limit))
	}
	return out, elements * TableElementBytes
}
