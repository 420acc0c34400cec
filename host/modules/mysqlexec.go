package modules

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/jobbox/jobbox/abi"
)

// Statement kinds decide what a call returns.
const (
	kindRows    = iota // rows (select), or the first row (selectOne)
	kindOne            // the first row or nil
	kindCount          // one number
	kindID             // the insert id
	kindChanged        // rows changed
)

type statement struct {
	sql  string
	args []any
	kind int
}

var leadingWord = regexp.MustCompile(`^\s*(?:/\*.*?\*/\s*)*([A-Za-z]+)`)

// kindOf tells a raw statement's kind by its first keyword.
func kindOf(sqlText string) int {
	m := leadingWord.FindStringSubmatch(sqlText)
	if m == nil {
		return kindChanged
	}
	switch strings.ToUpper(m[1]) {
	case "SELECT", "SHOW", "DESCRIBE", "DESC", "EXPLAIN", "WITH", "VALUES", "TABLE":
		return kindRows
	case "INSERT", "REPLACE":
		return kindID
	}
	return kindChanged
}

// queryer is a pool or a transaction.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func (db *database) exec(ctx context.Context, q queryer, st statement) (any, error) {
	noteQuery(ctx, st)
	switch st.kind {
	case kindRows, kindOne, kindCount:
		rows, err := db.rows(ctx, q, st)
		if err != nil {
			return nil, err
		}
		switch st.kind {
		case kindOne:
			if len(rows) == 0 {
				return nil, nil
			}
			return rows[0], nil
		case kindCount:
			if len(rows) == 1 && len(rows[0].(abi.Table)) == 1 {
				return rows[0].(abi.Table)[0].Value, nil
			}
			return int64(0), nil
		}
		return rows, nil
	}
	res, err := q.ExecContext(ctx, st.sql, st.args...)
	if err != nil {
		return nil, err
	}
	if st.kind == kindID {
		return res.LastInsertId()
	}
	return res.RowsAffected()
}

// rows reads a result set as a list of tables, column name to value,
// numbers as numbers and everything else as text.
func (db *database) rows(ctx context.Context, q queryer, st statement) ([]any, error) {
	rows, err := q.QueryContext(ctx, st.sql, st.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	out := []any{}
	b := budgetOf(ctx)
	raw := make([]sql.RawBytes, len(types))
	ptrs := make([]any, len(types))
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	for rows.Next() {
		if len(out) == db.maxRows {
			return nil, fmt.Errorf("the result has more than %d rows (max_rows of database %q); add a limit", db.maxRows, db.name)
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		if ctx.Err() != nil {
			return nil, deadlineError(ctx)
		}
		row := make(abi.Table, len(types))
		size := 0
		for i, t := range types {
			row[i] = abi.Field{Key: t.Name(), Value: convertColumn(t.DatabaseTypeName(), raw[i])}
			size += len(t.Name()) + len(raw[i]) + 2 // at least a tag and a length each
		}
		if err := b.take(size); err != nil {
			return nil, fmt.Errorf("%w (after %d rows); add a limit", err, len(out))
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

func convertColumn(dbType string, b sql.RawBytes) any {
	if b == nil {
		return nil
	}
	s := string(b)
	switch dbType {
	case "TINYINT", "SMALLINT", "MEDIUMINT", "INT", "BIGINT", "YEAR",
		"UNSIGNED TINYINT", "UNSIGNED SMALLINT", "UNSIGNED MEDIUMINT", "UNSIGNED INT", "UNSIGNED BIGINT":
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return n
		}
	case "FLOAT", "DOUBLE", "DECIMAL":
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return f
		}
	}
	return s
}
