package modules

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"github.com/jobbox/jobbox/abi"
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
	pools *pools // that db came from; nil for a remote database's own pool
}

// session returns the run's connection to database name, opening it (and
// taking a reference on the pool, so a reload cannot close it under the
// run) at the run's first call to it.
func (m *mysqlModule) session(ctx context.Context, r *run, name string) (*session, error) {
	st := mysqlState(r)
	if s := st.sessions[name]; s != nil {
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
	s := &session{db: db, conn: conn, pools: m.pools}
	st.sessions[name] = s
	return s, nil
}

// sessionFor returns the run's session to t: an entry's, or a remote
// database's.
func (m *mysqlModule) sessionFor(ctx context.Context, r *run, t mysqlTarget) (*session, error) {
	if t.remote == nil {
		return m.session(ctx, r, t.name)
	}
	st := mysqlState(r)
	if s := st.sessions[t.name]; s != nil {
		return s, nil
	}
	s, err := m.remoteSession(ctx, r, t)
	if err == nil {
		st.sessions[t.name] = s
	}
	return s, err
}

// mysqlRun is a run's use of core.mysql: its sessions by database entry,
// and its query log (see logCall).
type mysqlRun struct {
	sessions map[string]*session
	logging  bool
	logged   []any // statements run since the guest last took them
}

func mysqlState(r *run) *mysqlRun {
	return stateOf(r, abi.FuncMySQL, func() *mysqlRun { return &mysqlRun{sessions: map[string]*session{}} })
}

// close discards the run's connections and lets go of their pools.
func (s *mysqlRun) close() {
	for name := range s.sessions {
		s.closeSession(name)
	}
}

// closeSession ends the run's session to one database (dbClose); a later
// call opens a fresh one.
func (s *mysqlRun) closeSession(name string) {
	if sess := s.sessions[name]; sess != nil {
		settle(sess.conn)
		discard(sess.conn)
		if sess.pools != nil {
			_ = sess.pools.release(sess.db)
		} else {
			_ = sess.db.pool.Close()
		}
		delete(s.sessions, name)
	}
}

// settleTimeout bounds settle: past it the connection is closed anyway,
// and the server frees what it held when it notices.
const settleTimeout = 2 * time.Second

// settle ends what a run's connection holds beyond itself (an open
// transaction's row locks, GET_LOCK locks) before the connection is
// dropped. A server frees those only when it notices the close, which on a
// busy server can come after the job's next run has started and found its
// own lock still held. RELEASE_ALL_LOCKS is MariaDB 10.5 and MySQL 5.7 on;
// an older server refuses it and frees the locks at the close.
func settle(conn *sql.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), settleTimeout)
	defer cancel()
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err == nil {
		_, _ = conn.ExecContext(ctx, "DO RELEASE_ALL_LOCKS()")
	}
}

// discard closes conn instead of returning it to its pool: database/sql
// drops a connection whose Raw callback reports driver.ErrBadConn.
func discard(conn *sql.Conn) {
	_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	_ = conn.Close()
}
