package modules

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/go-sql-driver/mysql"

	"github.com/jobbox/jobbox/abi"
)

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
			results[i] = abi.Table{{Key: "error", Value: plainError(err)}}
			continue
		}
		results[i] = abi.Table{{Key: key, Value: v}}
	}
	return results
}

// manyList names the list key of each documented many method's table.
var manyList = map[string]string{"insert": "records", "update": "update", "delete": "delete"}

// expandMany turns the documented insertMany {tbl, records}, updateMany
// {tbl, update} and deleteMany {tbl, delete} tables into batch items, each
// with the table's name. An item that is not a table stays as it is, for
// batch to answer {error=} in its place.
func expandMany(method string, t abi.Table) ([]any, error) {
	listKey := manyList[method]
	for _, f := range t {
		if f.Key != "tbl" && f.Key != listKey {
			return nil, fmt.Errorf("unknown option %v (tbl, %s)", f.Key, listKey)
		}
	}
	tbl, ok := t.Get("tbl").(string)
	if !ok {
		return nil, errors.New("the options need tbl, the table's name")
	}
	list, ok := t.Get(listKey).([]any)
	if !ok {
		return nil, fmt.Errorf("the options need %s, a list of tables, not %s", listKey, abi.TypeName(t.Get(listKey)))
	}
	items := make([]any, len(list))
	for i, e := range list {
		entry, ok := e.(abi.Table)
		switch {
		case !ok:
			items[i] = e
		case method == "insert":
			items[i] = abi.Table{{Key: "tbl", Value: tbl}, {Key: "values", Value: entry}}
		default:
			items[i] = append(abi.Table{{Key: "tbl", Value: tbl}}, entry...)
		}
	}
	return items, nil
}

// prepareSelectBatch reads selectBatch's list of select tables, each with
// a key, into a call answering a table of their results by key.
func prepareSelectBatch(a args) (dbCall, error) {
	items, ok := a.at(1).([]any)
	if !ok {
		return nil, fmt.Errorf("core.mysql.selectBatch's second argument must be a list of select tables, each with a key, not %s", abi.TypeName(a.at(1)))
	}
	return func(ctx context.Context, db *database, conn *sql.Conn) (any, error) {
		out := make(abi.Table, 0, len(items))
		for i, item := range items {
			key, opts, _, err := splitKeyed(item, i)
			var v any
			if err == nil {
				v, err = db.keyedSelect(ctx, conn, opts)
			}
			if err != nil {
				v = abi.Table{{Key: "error", Value: plainError(err)}}
			}
			out = append(out, abi.Field{Key: key, Value: v})
		}
		return out, nil
	}, nil
}

// splitKeyed takes the key and db off one select table of selectBatch or
// selectMerge. Without a key the result goes under the table's name, as
// updates.md says of selectBatch since 2.4, or the item's place.
func splitKeyed(item any, i int) (key any, opts abi.Table, db any, err error) {
	key = int64(i + 1)
	t, ok := item.(abi.Table)
	if !ok {
		return key, nil, nil, fmt.Errorf("item %d must be a select table, not %s", i+1, abi.TypeName(item))
	}
	if tbl, ok := t.Get("tbl").(string); ok {
		key = tbl
	}
	for _, f := range t {
		switch f.Key {
		case "key":
			key = f.Value
		case "db":
			db = f.Value
		default:
			opts = append(opts, f)
		}
	}
	return key, opts, db, nil
}

// keyedSelect runs one select table: its records, or the record alone when
// its limit is 1, as the docs say.
func (db *database) keyedSelect(ctx context.Context, conn *sql.Conn, opts abi.Table) (any, error) {
	method := "select"
	if l := opts.Get("limit"); l == int64(1) || l == float64(1) {
		method = "selectOne"
	}
	st, err := build(method, opts)
	if err != nil {
		return nil, err
	}
	return db.exec(ctx, conn, st)
}

// plainError is an error's text, the server's message alone for a MySQL
// error, as the docs' per-item error keys show it.
func plainError(err error) string {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return me.Message
	}
	return err.Error()
}
