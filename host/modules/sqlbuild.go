package modules

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/jobbox/jobbox/abi"
)

// build turns the options of select, selectOne, selectCount, insert,
// update and delete into one parameterised statement. Identifiers are
// checked and quoted, and every value is a parameter, so no value can
// change what the statement does.
func build(method string, opts abi.Table) (statement, error) {
	var b sqlBuilder
	for _, f := range opts {
		switch f.Key {
		case "tbl", "columns", "where", "orderby", "limit", "distinct", "values", "force", "column":
		default:
			return statement{}, fmt.Errorf("unknown option %q", f.Key)
		}
	}
	tbl, ok := opts.Get("tbl").(string)
	if !ok {
		return statement{}, errors.New("the options need tbl, the table's name")
	}
	table, err := quoteIdent(tbl)
	if err != nil {
		return statement{}, err
	}
	force := opts.Get("force") == true
	switch method {
	case "select", "selectOne", "selectCount":
		b.WriteString("SELECT ")
		if opts.Get("distinct") == true {
			b.WriteString("DISTINCT ")
		}
		if method == "selectCount" {
			if err := b.count(opts.Get("column")); err != nil {
				return statement{}, err
			}
		} else if err := b.columns(opts.Get("columns")); err != nil {
			return statement{}, err
		}
		b.WriteString(" FROM " + table)
		if err := b.where(opts.Get("where"), whereAny); err != nil {
			return statement{}, err
		}
		if method != "selectCount" {
			if err := b.orderBy(opts.Get("orderby")); err != nil {
				return statement{}, err
			}
		}
		limit := opts.Get("limit")
		if method == "selectOne" {
			limit = int64(1)
		}
		if err := b.limit(limit); err != nil {
			return statement{}, err
		}
		kind := map[string]int{"select": kindRows, "selectOne": kindOne, "selectCount": kindCount}[method]
		return statement{sql: b.String(), args: b.args, kind: kind}, nil
	case "insert":
		// MySQL's INSERT ... SET: the same assignments as an update.
		b.WriteString("INSERT INTO " + table + " SET ")
		if err := b.assign(opts.Get("values")); err != nil {
			return statement{}, err
		}
		return statement{sql: b.String(), args: b.args, kind: kindID}, nil
	case "update":
		b.WriteString("UPDATE " + table + " SET ")
		if err := b.assign(opts.Get("values")); err != nil {
			return statement{}, err
		}
		if err := b.where(opts.Get("where"), whereRule(force, whereAbsentOK)); err != nil {
			return statement{}, err
		}
		if err := b.limit(opts.Get("limit")); err != nil {
			return statement{}, err
		}
		return statement{sql: b.String(), args: b.args, kind: kindChanged}, nil
	case "delete":
		b.WriteString("DELETE FROM " + table)
		if err := b.where(opts.Get("where"), whereRule(force, whereNeeded)); err != nil {
			return statement{}, err
		}
		if err := b.limit(opts.Get("limit")); err != nil {
			return statement{}, err
		}
		return statement{sql: b.String(), args: b.args, kind: kindChanged}, nil
	}
	return statement{}, fmt.Errorf("no such method %q", method)
}

type sqlBuilder struct {
	strings.Builder
	args []any
}

var identPart = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_$]{0,63}$`)

// quoteIdent checks a table or column name (optionally db.name) and quotes
// it with backticks.
func quoteIdent(name string) (string, error) {
	parts := strings.Split(name, ".")
	if len(parts) > 2 {
		return "", fmt.Errorf("%q is not a valid table or column name", name)
	}
	for i, p := range parts {
		if !identPart.MatchString(p) {
			return "", fmt.Errorf("%q is not a valid table or column name (letters, digits, _ and $)", name)
		}
		parts[i] = "`" + p + "`"
	}
	return strings.Join(parts, "."), nil
}

func (b *sqlBuilder) param(v any) error {
	switch v.(type) {
	case nullText:
		b.WriteString("NULL")
		return nil
	case nil, bool, int64, float64, string:
		b.WriteString("?")
		b.args = append(b.args, v)
		return nil
	}
	return fmt.Errorf("a value must be a string, number, boolean or nil, not %s", abi.TypeName(v))
}

func (b *sqlBuilder) columns(v any) error {
	list, _ := v.([]any)
	if v != nil && list == nil {
		if t, ok := v.(abi.Table); !ok || len(t) > 0 {
			return fmt.Errorf("columns must be a list of column names, not %s", abi.TypeName(v))
		}
	}
	if len(list) == 0 {
		b.WriteString("*")
		return nil
	}
	for i, c := range list {
		name, ok := c.(string)
		if !ok {
			return fmt.Errorf("columns must be a list of column names; item %d is %s", i+1, abi.TypeName(c))
		}
		col, err := quoteIdent(name)
		if err != nil {
			return err
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(col)
	}
	return nil
}

// count appends COUNT(*), or COUNT(column) when selectCount names one.
// The docs give "id" as column's default; COUNT(*) counts the same rows
// when id is the usual NOT NULL key, and works on tables without an id.
func (b *sqlBuilder) count(v any) error {
	if v == nil {
		b.WriteString("COUNT(*)")
		return nil
	}
	name, ok := v.(string)
	if !ok {
		return fmt.Errorf("column must be a column name, not %s", abi.TypeName(v))
	}
	col, err := quoteIdent(name)
	if err != nil {
		return err
	}
	b.WriteString("COUNT(" + col + ")")
	return nil
}

// orderBy appends ORDER BY from {col = "ASC"} or a list of such tables.
func (b *sqlBuilder) orderBy(v any) error {
	var fields abi.Table
	switch o := v.(type) {
	case nil:
		return nil
	case abi.Table:
		fields = sortedFields(o)
	case []any:
		for _, item := range o {
			t, ok := item.(abi.Table)
			if !ok {
				return errors.New("orderby must be {column = \"ASC\"} or a list of such tables")
			}
			fields = append(fields, t...)
		}
	default:
		return errors.New("orderby must be {column = \"ASC\"} or a list of such tables")
	}
	for i, f := range fields {
		col, err := quoteIdent(keyOf(f))
		if err != nil {
			return err
		}
		dir, _ := f.Value.(string)
		dir = strings.ToUpper(dir)
		if dir != "ASC" && dir != "DESC" {
			return fmt.Errorf("orderby %v must be \"ASC\" or \"DESC\"", f.Key)
		}
		if i == 0 {
			b.WriteString(" ORDER BY ")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(col + " " + dir)
	}
	return nil
}

// limit appends LIMIT from n or {offset, count}.
func (b *sqlBuilder) limit(v any) error {
	switch l := v.(type) {
	case nil:
		return nil
	case int64:
		if l >= 0 {
			b.WriteString(" LIMIT ?")
			b.args = append(b.args, l)
			return nil
		}
	case float64:
		if l >= 0 && l == float64(int64(l)) {
			return b.limit(int64(l))
		}
	case []any:
		if len(l) == 2 {
			offset, ok1 := l[0].(int64)
			count, ok2 := l[1].(int64)
			if ok1 && ok2 && offset >= 0 && count >= 0 {
				b.WriteString(" LIMIT ?, ?")
				b.args = append(b.args, offset, count)
				return nil
			}
		}
	}
	return errors.New("limit must be a count, or {offset, count}, of whole numbers")
}

// assign appends the "col = ?" list of an insert or update, from a table
// of column = value with at least one column.
func (b *sqlBuilder) assign(v any) error {
	t, ok := v.(abi.Table)
	if !ok || len(t) == 0 {
		return errors.New("values must be a table of column = value with at least one column")
	}
	for i, f := range sortedFields(t) {
		col, err := quoteIdent(keyOf(f))
		if err != nil {
			return err
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(col + " = ")
		v := f.Value
		if v == "NULL" { // the docs' way to store SQL NULL
			v = nullText{}
		}
		if err := b.param(v); err != nil {
			return err
		}
	}
	return nil
}

// nullText is the string 'NULL' of a values table, which Coronium stores
// as SQL NULL.
type nullText struct{}
