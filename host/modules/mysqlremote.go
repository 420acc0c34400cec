package modules

import (
	"context"
	"database/sql"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/modules/options"
)

// Remote databases (a "mysql://host[:port]/database" grant, reached by a
// connection table with the job's own account) have no [databases] entry,
// so they take these defaults.
const (
	remoteTimeout = 10 * time.Second
	remoteMaxRows = 10_000
)

// remoteAccount is a connection table's server and account, matched to a
// remote database grant.
type remoteAccount struct {
	grant          options.RemoteDatabase
	user, password string
}

// remoteTarget matches a connection table to a remote database grant of
// the job. The table must give user and password: the grant names no
// account.
func remoteTarget(r *run, want, host string, port int, t abi.Table) (mysqlTarget, bool) {
	for _, rd := range r.grants.Remotes {
		if rd.Host != strings.ToLower(host) || rd.Port != port || rd.Database != want {
			continue
		}
		user, _ := t.Get("user").(string)
		password, _ := t.Get("password").(string)
		if user == "" {
			return mysqlTarget{}, false
		}
		return mysqlTarget{
			name:    "mysql://" + user + "@" + rd.Addr() + "/" + rd.Database,
			timeout: connTimeout(t.Get("timeout"), remoteTimeout),
			remote:  &remoteAccount{grant: rd, user: user, password: password},
		}, true
	}
	return mysqlTarget{}, false
}

// remoteSession opens the run's session to a remote database: a pool of
// its own, one connection, dialled only to an address the job's
// network_cidrs and the public-address policy allow, and closed with the
// run. The account is checked like a [databases] entry's.
func (m *mysqlModule) remoteSession(ctx context.Context, r *run, t mysqlTarget) (*session, error) {
	cfg := mysql.NewConfig()
	cfg.User, cfg.Passwd, cfg.DBName = t.remote.user, t.remote.password, t.remote.grant.Database
	cfg.Net, cfg.Addr = "tcp", t.remote.grant.Addr()
	cfg.ParseTime, cfg.MultiStatements, cfg.Timeout = false, false, t.timeout
	cidrs := r.grants.CIDRs
	dialer := &net.Dialer{
		// After DNS, on the very address dialled, as core.network does.
		Control: func(_, address string, _ syscall.RawConn) error { return checkAddress(address, cidrs) },
	}
	cfg.DialFunc = dialer.DialContext
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, err
	}
	pool := sql.OpenDB(connector)
	pool.SetMaxOpenConns(1)
	db := &database{name: t.name, dbName: cfg.DBName, pool: pool, maxRows: remoteMaxRows}
	conn, err := pool.Conn(ctx)
	if err == nil {
		if err = db.verify(ctx, conn); err != nil {
			discard(conn)
		}
	}
	if err != nil {
		_ = pool.Close()
		return nil, err
	}
	return &session{db: db, conn: conn}, nil
}
