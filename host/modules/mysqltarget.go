package modules

import (
	"crypto/subtle"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jobbox/jobbox/abi"
)

// codeUnauthorized is Coronium's error code for a database the caller may
// not use (client/codes.md).
const codeUnauthorized = int64(901)

// mysqlTarget is the [databases] entry a call runs on, and its timeout.
type mysqlTarget struct {
	name    string // the entry, or the remote database's URL with the user
	timeout time.Duration
	remote  *remoteAccount // for a remote database grant
}

// unauthorized is Coronium's failure for a database the job may not use:
// nil, "Unauthorized database: why", 901. The job can handle it, as
// Coronium jobs do; a job granted no database at all fails instead.
func unauthorized(format string, a ...any) []any {
	return failure(fmt.Errorf("Unauthorized database: "+format, a...), codeUnauthorized)
}

// target reads what the docs call db_name: an entry's name, or a
// connection table (see connTable). A failed result is the call's answer.
func (m *mysqlModule) target(r *run, v any) (mysqlTarget, []any) {
	switch x := v.(type) {
	case string:
		if !slices.Contains(r.grants.MySQL, x) || strings.HasPrefix(x, "mysql://") {
			return mysqlTarget{}, unauthorized("core.mysql database %q is not granted to job %s; grant it in config.toml (grants = { mysql = [%q] })", x, r.job, x)
		}
		return mysqlTarget{name: x, timeout: m.opts[x].CallTimeout()}, nil
	case abi.Table:
		return m.connTable(r, x)
	}
	return mysqlTarget{}, failure(fmt.Errorf("the database must be a name or a connection table, not %s", abi.TypeName(v)))
}

// connTable resolves a connection table {database, host, port, user,
// password, timeout} to a [databases] entry granted to the job. The job
// cannot name a server of its own: the operator configures every server
// jobbox may reach as an entry, and grants it. So database names the entry
// (or the database the entry is pinned to); host, port, user and password,
// where given, must be the entry's; timeout (milliseconds) may shorten the
// entry's timeout, never lengthen it.
func (m *mysqlModule) connTable(r *run, t abi.Table) (mysqlTarget, []any) {
	for _, f := range t {
		switch f.Key {
		case "database", "host", "port", "user", "password", "timeout":
		default:
			return mysqlTarget{}, failure(fmt.Errorf("the connection table has an unknown key %v (database, host, port, user, password, timeout)", f.Key))
		}
	}
	want, ok := t.Get("database").(string)
	if !ok {
		return mysqlTarget{}, failure(fmt.Errorf("the connection table needs database, a string"))
	}
	for _, name := range r.grants.MySQL {
		if m.matches(name, want, t) {
			return mysqlTarget{name: name, timeout: connTimeout(t.Get("timeout"), m.opts[name].CallTimeout())}, nil
		}
	}
	where := ""
	if host, _ := t.Get("host").(string); host != "" {
		if rt, ok := remoteTarget(r, want, host, tablePort(t), t); ok {
			return rt, nil
		}
		where = " at " + host
	}
	return mysqlTarget{}, unauthorized("no database granted to job %s is %q%s with that account; jobbox reaches only the [databases] entries config.toml grants the job, and remote databases granted as mysql://host[:port]/database", r.job, want, where)
}

// matches reports whether entry name is the database a connection table
// asks for.
func (m *mysqlModule) matches(name, want string, t abi.Table) bool {
	cfg := m.configs[name]
	if cfg == nil || (want != name && want != cfg.DBName) {
		return false
	}
	if host, ok := t.Get("host").(string); ok {
		h, p, err := net.SplitHostPort(cfg.Addr)
		if cfg.Net != "tcp" || err != nil || !strings.EqualFold(h, host) || p != strconv.Itoa(tablePort(t)) {
			return false
		}
	}
	if user, ok := t.Get("user").(string); ok && user != cfg.User {
		return false
	}
	if pw, ok := t.Get("password").(string); ok && subtle.ConstantTimeCompare([]byte(pw), []byte(cfg.Passwd)) != 1 {
		return false
	}
	return true
}

// tablePort is a connection table's port, 3306 when it gives none.
func tablePort(t abi.Table) int {
	switch p := t.Get("port").(type) {
	case int64:
		return int(p)
	case float64:
		return int(p)
	}
	return 3306
}

// connTimeout is the connection table's timeout, in milliseconds, up to
// the entry's own.
func connTimeout(v any, entry time.Duration) time.Duration {
	var ms float64
	switch x := v.(type) {
	case int64:
		ms = float64(x)
	case float64:
		ms = x
	default:
		return entry
	}
	if d := time.Duration(ms * float64(time.Millisecond)); d > 0 && d < entry {
		return d
	}
	return entry
}
