package modules

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/jobbox/jobbox/abi"
)

// call serves core.mysql.METHOD(db, ...).
func (m *mysqlModule) call(ctx context.Context, r *run, method string, a args) ([]any, error) {
	if len(r.grants.MySQL) == 0 {
		return nil, r.notGranted("core.mysql")
	}
	switch method { // the helpers that need no database
	case "escape":
		s, err := a.string(len(a)-1, "core.mysql.escape's argument")
		if err != nil {
			return nil, err
		}
		return ok(escape(s)), nil
	case "timestamp", "date":
		return ok(mysqlTime(method, a.at(len(a)-1))), nil
	}
	name, err := a.string(0, "core.mysql."+method+"'s first argument (a database name)")
	if err != nil {
		return nil, err
	}
	if !slices.Contains(r.grants.MySQL, name) {
		return nil, r.notGranted("core.mysql database %q", name)
	}
	callCtx, cancel := context.WithTimeout(ctx, m.opts[name].CallTimeout())
	defer cancel()
	res, err := m.mysqlCall(callCtx, r, method, name, a)
	if ctx.Err() != nil {
		return failure(fmt.Errorf("core.mysql.%s: %w", method, deadlineError(ctx))), nil
	}
	return res, err
}

// mysqlCall runs one call that needs database name, on the run's session,
// which it opens only once the arguments are read.
func (m *mysqlModule) mysqlCall(ctx context.Context, r *run, method, name string, a args) ([]any, error) {
	var do func(db *database, conn *sql.Conn) (any, error)
	switch method {
	case "select", "selectOne", "selectCount", "insert", "update", "delete":
		opts, err := a.table(1, "core.mysql."+method+"'s options")
		if err != nil {
			return nil, err
		}
		st, err := build(method, opts)
		if err != nil {
			return failure(fmt.Errorf("core.mysql.%s: %w", method, err)), nil
		}
		do = func(db *database, conn *sql.Conn) (any, error) { return db.exec(ctx, conn, st) }
	case "query", "q":
		sqlText, err := a.string(1, "core.mysql.query's SQL")
		if err != nil {
			return nil, err
		}
		st := statement{sql: sqlText, kind: kindOf(sqlText)}
		do = func(db *database, conn *sql.Conn) (any, error) { return db.exec(ctx, conn, st) }
	case "insertMany", "updateMany", "deleteMany", "insertBatch", "updateBatch", "deleteBatch":
		items, ok := a.at(1).([]any)
		if !ok {
			return nil, fmt.Errorf("core.mysql.%s's second argument must be a list of option tables, not %s", method, abi.TypeName(a.at(1)))
		}
		single := strings.TrimSuffix(strings.TrimSuffix(method, "Many"), "Batch")
		do = func(db *database, conn *sql.Conn) (any, error) {
			if strings.HasSuffix(method, "Many") {
				return db.many(ctx, conn, single, items)
			}
			return db.batch(ctx, conn, single, items), nil
		}
	default:
		return nil, fmt.Errorf("core.mysql has no method %q", method)
	}
	s, err := m.session(ctx, r, name)
	if errors.Is(err, errBroadAccount) {
		return nil, err
	} else if err != nil {
		return dbFailure(method, err), nil
	}
	res, err := do(s.db, s.conn)
	if err != nil {
		return dbFailure(method, err), nil
	}
	return ok(res), nil
}

// dbFailure is a failed result with the server's error number as the code.
func dbFailure(method string, err error) []any {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return failure(fmt.Errorf("core.mysql.%s: %s", method, me.Message), int64(me.Number))
	}
	if errors.Is(err, context.DeadlineExceeded) {
		err = errors.New("the call took longer than the database's timeout")
	}
	return failure(fmt.Errorf("core.mysql.%s: %w", method, err))
}

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

// many runs a list of statements of one kind in one transaction: all take
// effect or none. It returns the list of their results.
func (db *database) many(ctx context.Context, conn *sql.Conn, method string, items []any) (any, error) {
	sts := make([]statement, len(items))
	for i, item := range items {
		opts, err := args{item}.table(0, fmt.Sprintf("item %d", i+1))
		if err != nil {
			return nil, err
		}
		if sts[i], err = build(method, opts); err != nil {
			return nil, fmt.Errorf("item %d: %w", i+1, err)
		}
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	results := make([]any, len(sts))
	for i, st := range sts {
		if results[i], err = db.exec(ctx, tx, st); err != nil {
			return nil, fmt.Errorf("item %d: %w", i+1, err)
		}
	}
	return results, tx.Commit()
}

// batch runs each statement on its own and reports each: {id=}, {updated=},
// {deleted=}, or {error=}.
func (db *database) batch(ctx context.Context, conn *sql.Conn, method string, items []any) any {
	key := map[string]string{"insert": "id", "update": "updated", "delete": "deleted"}[method]
	results := make([]any, len(items))
	for i, item := range items {
		opts, err := args{item}.table(0, fmt.Sprintf("item %d", i+1))
		var st statement
		if err == nil {
			st, err = build(method, opts)
		}
		var v any
		if err == nil {
			v, err = db.exec(ctx, conn, st)
		}
		if err != nil {
			var me *mysql.MySQLError
			if errors.As(err, &me) {
				err = errors.New(me.Message)
			}
			results[i] = abi.Table{{Key: "error", Value: err.Error()}}
			continue
		}
		results[i] = abi.Table{{Key: key, Value: v}}
	}
	return results
}

// escape quotes s for use inside a single-quoted SQL string, as
// mysql_real_escape_string does.
func escape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		switch c {
		case 0:
			b.WriteString(`\0`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\\', '\'', '"':
			b.WriteByte('\\')
			b.WriteByte(c)
		case 0x1a:
			b.WriteString(`\Z`)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// mysqlTime formats a Unix time (now when not a number) as DATETIME or DATE.
func mysqlTime(method string, v any) string {
	t := time.Now()
	switch n := v.(type) {
	case int64:
		t = time.Unix(n, 0)
	case float64:
		t = time.Unix(int64(n), 0)
	}
	if method == "date" {
		return t.Format(time.DateOnly)
	}
	return t.Format(time.DateTime)
}
