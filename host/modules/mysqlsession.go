package modules

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
)

// session is one run's connection to one database. It is the run's alone
// from its first call to its end, and then discarded rather than pooled:
// whatever the job left in it (user variables, USE of another database,
// autocommit=0, sql_mode, GET_LOCK locks, temporary tables, an open
// transaction) ends with the connection, and the next run starts from a
// fresh one. go-sql-driver/mysql cannot send COM_RESET_CONNECTION, and its
// ResetSession only checks that the connection is alive.
type session struct {
	db    *database
	conn  *sql.Conn
	pools *pools // that db came from
}

// session returns the run's connection to database name, opening it (and
// taking a reference on the pool, so a reload cannot close it under the
// run) at the run's first call to it.
func (m *mysqlModule) session(ctx context.Context, r *run, name string) (*session, error) {
	if s := r.sessions[name]; s != nil {
		return s, nil
	}
	db, _, err := m.pools.acquire(name, m.opts[name])
	if err != nil {
		return nil, err
	}
	conn, err := db.pool.Conn(ctx)
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
		err = fmt.Errorf("no connection to database %q came free within its timeout: each run using it holds one, up to max_open (%d)", name, db.pool.Stats().MaxOpenConnections)
	}
	if err == nil {
		err = db.verify(ctx, conn)
		if err != nil {
			discard(conn)
		}
	}
	if err != nil {
		_ = m.pools.release(db)
		return nil, err
	}
	if r.sessions == nil {
		r.sessions = map[string]*session{}
	}
	s := &session{db: db, conn: conn, pools: m.pools}
	r.sessions[name] = s
	return s, nil
}

// closeSessions discards the run's connections and lets go of their pools.
func (r *run) closeSessions() error {
	var errs []error
	for name, s := range r.sessions {
		discard(s.conn)
		errs = append(errs, s.pools.release(s.db))
		delete(r.sessions, name)
	}
	return errors.Join(errs...)
}

// discard closes conn instead of returning it to its pool: database/sql
// drops a connection whose Raw callback reports driver.ErrBadConn.
func discard(conn *sql.Conn) {
	_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	_ = conn.Close()
}
