package modules

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/go-sql-driver/mysql"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/abi/sqlescape"
)

// dbMethods are the core.mysql methods that run on a database, named by
// their first argument; the Lua guest adds dbQuery, escapeAll and the time
// helpers on its side.
var dbMethods = map[string]bool{
	"query": true, "q": true, "select": true, "selectOne": true, "selectCount": true, "selectBatch": true,
	"insert": true, "update": true, "delete": true,
	"insertMany": true, "updateMany": true, "deleteMany": true,
	"insertBatch": true, "updateBatch": true, "deleteBatch": true,
	"dbConnect": true, "dbClose": true,
}

// call serves core.mysql.METHOD(db, ...).
func (m *mysqlModule) call(ctx context.Context, r *run, method string, a args) ([]any, error) {
	if len(r.grants.MySQL) == 0 {
		return nil, r.notGranted("core.mysql")
	}
	switch method { // the methods that need no database
	case "escape":
		s, err := a.string(len(a)-1, "core.mysql.escape's argument")
		if err != nil {
			return nil, err
		}
		return ok(sqlescape.Quote(s)), nil
	case "timestamp", "date":
		return ok(mysqlTime(method, a.at(len(a)-1))), nil
	case "logQueries", "queryLog":
		return mysqlState(r).logCall(method, a), nil
	case "selectMerge":
		return m.selectMerge(ctx, r, a)
	}
	if !dbMethods[method] {
		return nil, fmt.Errorf("core.mysql has no method %q", method)
	}
	do, err := m.prepare(ctx, method, a)
	var bad badOptions
	if errors.As(err, &bad) {
		return failure(fmt.Errorf("core.mysql.%s: %w", method, bad.err)), nil
	} else if err != nil {
		return nil, err
	}
	t, failed := m.target(r, a.at(0))
	if failed != nil {
		return failed, nil
	}
	if method == "dbClose" {
		mysqlState(r).closeSession(t.name)
		return ok(true), nil
	}
	return m.onTarget(ctx, r, method, t, do)
}

// dbCall is the work of one call, on the run's session to its database.
type dbCall func(ctx context.Context, db *database, conn *sql.Conn) (any, error)

// onTarget runs do on the run's session to t, within t's timeout.
func (m *mysqlModule) onTarget(ctx context.Context, r *run, method string, t mysqlTarget, do dbCall) ([]any, error) {
	callCtx, cancel := context.WithTimeout(withQueryLog(ctx, mysqlState(r)), t.timeout)
	defer cancel()
	s, err := m.sessionFor(callCtx, r, t)
	if errors.Is(err, errBroadAccount) && t.remote == nil {
		return nil, err // the operator's entry, refused: no job can use it
	}
	var res any
	if err == nil {
		res, err = do(callCtx, s.db, s.conn)
	}
	switch {
	case ctx.Err() != nil:
		return failure(fmt.Errorf("core.mysql.%s: %w", method, deadlineError(ctx))), nil
	case err != nil:
		return dbFailure(method, err), nil
	}
	return ok(res), nil
}

// prepare reads a call's arguments after the database into the work to do.
// A bad argument is the run's error; options the builder refuses are the
// call's failure, in the work's result.
func (m *mysqlModule) prepare(ctx context.Context, method string, a args) (dbCall, error) {
	switch method {
	case "select", "selectOne", "selectCount", "insert", "update", "delete":
		opts, err := a.table(1, "core.mysql."+method+"'s options")
		if err != nil {
			return nil, err
		}
		st, err := build(method, opts)
		if err != nil {
			return nil, badOptions{err}
		}
		return func(ctx context.Context, db *database, conn *sql.Conn) (any, error) { return db.exec(ctx, conn, st) }, nil
	case "query", "q":
		sqlText, err := a.string(1, "core.mysql.query's SQL")
		if err != nil {
			return nil, err
		}
		st := statement{sql: sqlText, kind: kindOf(sqlText)}
		return func(ctx context.Context, db *database, conn *sql.Conn) (any, error) { return db.exec(ctx, conn, st) }, nil
	case "selectBatch":
		return prepareSelectBatch(a)
	case "dbConnect", "dbClose":
		return func(context.Context, *database, *sql.Conn) (any, error) { return true, nil }, nil
	}
	return prepareMany(method, a)
}

// prepareMany reads the list methods: the documented {tbl, records} (or
// update, delete) table, each item answered on its own; or jobbox's list
// of option tables, all in one transaction (insertMany) or each on its own
// (insertBatch).
func prepareMany(method string, a args) (dbCall, error) {
	single := strings.TrimSuffix(strings.TrimSuffix(method, "Many"), "Batch")
	switch v := a.at(1).(type) {
	case abi.Table:
		if !strings.HasSuffix(method, "Many") {
			break
		}
		items, err := expandMany(single, v)
		if err != nil {
			return nil, badOptions{err}
		}
		return func(ctx context.Context, db *database, conn *sql.Conn) (any, error) {
			return db.batch(ctx, conn, single, items), nil
		}, nil
	case []any:
		return func(ctx context.Context, db *database, conn *sql.Conn) (any, error) {
			if strings.HasSuffix(method, "Many") {
				return db.many(ctx, conn, single, v)
			}
			return db.batch(ctx, conn, single, v), nil
		}, nil
	}
	return nil, fmt.Errorf("core.mysql.%s's second argument must be %s, not %s", method, manyShape[method], abi.TypeName(a.at(1)))
}

var manyShape = map[string]string{
	"insertMany": "{tbl = ..., records = {...}}", "updateMany": "{tbl = ..., update = {...}}", "deleteMany": "{tbl = ..., delete = {...}}",
	"insertBatch": "a list of {tbl, values} tables", "updateBatch": "a list of {tbl, values, where} tables", "deleteBatch": "a list of {tbl, where} tables",
}

// badOptions is an options table the builder refuses: the call's failure,
// for the job to handle, where a wrong argument type ends the run.
type badOptions struct{ err error }

func (b badOptions) Error() string { return b.err.Error() }

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
