package modules

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/jobbox/jobbox/abi"
)

// selectMerge serves core.mysql.selectMerge(list): select tables, each with
// a db (a name or a connection table) and a key, answered as one table by
// key. A failed item leaves its key out and adds {db, error, index,
// status} to the result's errors list, as the docs show; status is the
// server's error number, 901 for a database the job may not use, or 0.
func (m *mysqlModule) selectMerge(ctx context.Context, r *run, a args) ([]any, error) {
	items, isList := a.at(0).([]any)
	if !isList {
		return nil, fmt.Errorf("core.mysql.selectMerge's argument must be a list of select tables, each with a db and a key, not %s", abi.TypeName(a.at(0)))
	}
	var out, errs abi.Table
	var errList []any
	for i, item := range items {
		key, opts, db, err := splitKeyed(item, i)
		var res []any
		if err != nil {
			res = failure(err)
		} else if res, err = m.mergeOne(ctx, r, db, opts); err != nil {
			return nil, err
		}
		if len(res) == 1 {
			out = append(out, abi.Field{Key: key, Value: res[0]})
			continue
		}
		status := int64(0)
		if len(res) > 2 {
			status, _ = res[2].(int64)
		}
		errList = append(errList, abi.Table{
			{Key: "db", Value: dbLabel(db)}, {Key: "error", Value: strings.TrimPrefix(fmt.Sprint(res[1]), "core.mysql.selectMerge: ")},
			{Key: "index", Value: int64(i + 1)}, {Key: "status", Value: status},
		})
	}
	if errList != nil {
		errs = abi.Table{{Key: "errors", Value: errList}}
	}
	if out == nil && errs == nil {
		return ok(abi.Table{}), nil
	}
	return ok(append(out, errs...)), nil
}

// mergeOne runs one item of selectMerge on its database.
func (m *mysqlModule) mergeOne(ctx context.Context, r *run, db any, opts abi.Table) ([]any, error) {
	t, failed := m.target(r, db)
	if failed != nil {
		return failed, nil
	}
	return m.onTarget(ctx, r, "selectMerge", t, func(ctx context.Context, d *database, conn *sql.Conn) (any, error) {
		return d.keyedSelect(ctx, conn, opts)
	})
}

// dbLabel is an item's database as the errors list names it.
func dbLabel(db any) any {
	if t, ok := db.(abi.Table); ok {
		return t.Get("database")
	}
	return db
}
