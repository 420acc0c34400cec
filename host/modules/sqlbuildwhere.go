package modules

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/jobbox/jobbox/abi"
)

// errNoWhere is the error of an update or delete that would touch every row.
var errNoWhere = errors.New("refusing to change every row of the table: the where is empty or all its values are nil; pass force = true to mean it")

// whereMode says when a statement may go without a condition.
type whereMode int

const (
	whereAny      whereMode = iota // select, or force = true
	whereAbsentOK                  // update: no where key means every row, as the docs say; an empty one is a mistake
	whereNeeded                    // delete: every row only with force = true
)

func whereRule(force bool, mode whereMode) whereMode {
	if force {
		return whereAny
	}
	return mode
}

// where appends the condition: a string as given; a table whose fields AND
// together, a list value matching any of its items; or an ordered list of
// such tables (see orderedWhere).
func (b *sqlBuilder) where(v any, mode whereMode) error {
	empty := false
	switch w := v.(type) {
	case nil:
		if mode == whereNeeded {
			return errNoWhere
		}
		return nil
	case string:
		if empty = strings.TrimSpace(w) == ""; !empty {
			b.WriteString(" WHERE " + w)
		}
	case abi.Table:
		if empty = len(w) == 0; !empty {
			b.WriteString(" WHERE ")
			return b.andFields(sortedFields(w))
		}
	case []any:
		b.WriteString(" WHERE ")
		return b.orderedWhere(w)
	default:
		return fmt.Errorf("where must be a table or a string, not %s", abi.TypeName(v))
	}
	if empty && mode != whereAny {
		return errNoWhere
	}
	return nil
}

// sortedFields are a table's fields in key order: a Lua table has none, and
// a stable statement is easier to read in logs and to test.
func sortedFields(t abi.Table) abi.Table {
	fields := append(abi.Table(nil), t...)
	sort.Slice(fields, func(i, j int) bool { return keyOf(fields[i]) < keyOf(fields[j]) })
	return fields
}

// andFields appends col = ? (or col IN (...) for a list) for every field,
// joined by AND, in the order given (callers sort them).
func (b *sqlBuilder) andFields(fields abi.Table) error {
	for i, f := range fields {
		if i > 0 {
			b.WriteString(" AND ")
		}
		if err := b.match(f); err != nil {
			return err
		}
	}
	return nil
}

// match appends one field's condition.
func (b *sqlBuilder) match(f abi.Field) error {
	col, err := quoteIdent(keyOf(f))
	if err != nil {
		return err
	}
	list, isList := f.Value.([]any)
	if !isList {
		b.WriteString(col + " = ")
		return b.param(f.Value)
	}
	if len(list) == 0 {
		b.WriteString("FALSE")
		return nil
	}
	b.WriteString(col + " IN (")
	for j, item := range list {
		if j > 0 {
			b.WriteString(", ")
		}
		if err := b.param(item); err != nil {
			return err
		}
	}
	b.WriteString(")")
	return nil
}

// orderedWhere appends the docs' "ordered" where, a list of tables. Within
// an entry, fields with a single value AND together and fields with a list
// value OR together (the docs' all-OR example); entries AND together, each
// in parentheses. The docs write the two-entry example's SQL without
// parentheses, which MySQL would read as (... AND kind='Truck') OR
// kind='Car'; jobbox follows their sentence "multiple entries are combined
// using AND" instead.
func (b *sqlBuilder) orderedWhere(entries []any) error {
	for i, e := range entries {
		t, ok := e.(abi.Table)
		if !ok || len(t) == 0 {
			return fmt.Errorf("where entry %d must be a table of column = value, not %s", i+1, abi.TypeName(e))
		}
		if i > 0 {
			b.WriteString(" AND ")
		}
		b.WriteString("(")
		var ands, ors abi.Table
		for _, f := range sortedFields(t) {
			if _, isList := f.Value.([]any); isList {
				ors = append(ors, f)
			} else {
				ands = append(ands, f)
			}
		}
		if err := b.andFields(ands); err != nil {
			return err
		}
		if len(ands) > 0 && len(ors) > 0 {
			b.WriteString(" AND (")
		}
		for j, f := range ors {
			if j > 0 {
				b.WriteString(" OR ")
			}
			if err := b.match(f); err != nil {
				return err
			}
		}
		if len(ands) > 0 && len(ors) > 0 {
			b.WriteString(")")
		}
		b.WriteString(")")
	}
	return nil
}
