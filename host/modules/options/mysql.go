package options

import (
	"cmp"
	"fmt"
	"maps"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jobbox/jobbox/host/setting"
)

// Database is one [databases.NAME] table: a MySQL or MariaDB server that
// core.mysql may reach under that name, for the jobs granted it.
type Database struct {
	// DSN is a go-sql-driver/mysql data source name. When empty, the
	// server is given by Host, Port, User, Password and Database.
	DSN      string `toml:"dsn"`
	Host     string `toml:"host"`
	Port     int    `toml:"port"`
	Socket   string `toml:"socket"`
	User     string `toml:"user"`
	Password string `toml:"password"`
	Database string `toml:"database"`
	// MaxOpen bounds the pool's connections, shared by every job; 0 is
	// the default, see OpenLimit.
	MaxOpen int `toml:"max_open"`
	// Timeout bounds each call; unset is the default, see CallTimeout.
	Timeout setting.Duration `toml:"timeout"`
	// MaxRows bounds the rows one call may return; 0 is the default, see
	// RowLimit.
	MaxRows int `toml:"max_rows"`
	// AllowBroadAccount skips the check that the account reaches only
	// its database; the service warns of it at every start and reload.
	AllowBroadAccount bool `toml:"allow_broad_account"`
}

// OpenLimit is the most connections the pool opens: max_open, or 10.
func (db Database) OpenLimit() int { return cmp.Or(db.MaxOpen, 10) }

// RowLimit is the most rows one call may return: max_rows, or 10,000.
func (db Database) RowLimit() int { return cmp.Or(db.MaxRows, 10_000) }

// CallTimeout bounds each call: timeout, or 10 seconds.
func (db Database) CallTimeout() time.Duration {
	if !db.Timeout.IsSet() {
		return 10 * time.Second
	}
	return db.Timeout.Duration()
}

// Databases are the [databases] tables by name: core.mysql's settings.
type Databases map[string]Database

// Validate checks every entry, in name order.
func (dbs Databases) Validate(c *Checker) {
	for _, name := range slices.Sorted(maps.Keys(dbs)) {
		dbs[name].validate(name, c)
	}
}

func (db Database) validate(name string, c *Checker) {
	key := "databases." + name
	if !identifier.MatchString(name) {
		c.Fail(key, "database name %q may hold only letters, digits, '.', '_' and '-'", name)
	}
	if db.DSN == "" && db.Host == "" && db.Socket == "" {
		c.Fail(key, "database %q needs a dsn, or a host or socket", name)
	}
	if db.DSN != "" && (db.Host != "" || db.Socket != "" || db.User != "" || db.Password != "" || db.Database != "") {
		c.Fail(key+".dsn", "database %q: give either a dsn or host/user/password/database, not both", name)
	}
	if db.MaxOpen != 0 && (db.MaxOpen < 1 || db.MaxOpen > maxOpen) {
		c.Fail(key+".max_open", "database %q: max_open must be from 1 to %d", name, maxOpen)
	}
	if db.MaxRows != 0 && (db.MaxRows < 1 || db.MaxRows > maxRows) {
		c.Fail(key+".max_rows", "database %q: max_rows must be from 1 to %d", name, maxRows)
	}
	if db.Timeout.IsSet() {
		checkTimeout(db.Timeout, key+".timeout", fmt.Sprintf("database %q: timeout", name), c)
	}
}

// ValidateGrants checks that every database granted is configured, or is
// a remote database grant (see RemoteDatabase).
func (dbs Databases) ValidateGrants(g Grants, job Job, c *Checker) {
	for _, db := range g.MySQL {
		if _, isRemote, err := ParseRemoteDatabase(db); isRemote {
			if err != nil {
				c.Fail(job.Key+".mysql", "%s: %v", job.Label, err)
			}
		} else if _, ok := dbs[db]; !ok {
			c.Fail(job.Key+".mysql", "%s is granted database %q, which no [databases.%s] table configures", job.Label, db, db)
		}
	}
}

// RemoteDatabase is a grant of "mysql://host[:port]/database": a server the
// job names itself in a Coronium connection table, with an account it
// gives there. The address it resolves to passes the same policy as
// core.network's (network_cidrs for loopback and private addresses), and
// the account must reach that database only, like a [databases] entry's.
type RemoteDatabase struct {
	Host     string // lower case
	Port     int
	Database string
}

// ParseRemoteDatabase reads a mysql grant that starts with "mysql://";
// isRemote is false for any other (the name of a [databases] entry).
func ParseRemoteDatabase(s string) (rd RemoteDatabase, isRemote bool, err error) {
	if !strings.HasPrefix(s, "mysql://") {
		return rd, false, nil
	}
	u, err := url.Parse(s)
	if err != nil || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Hostname() == "" {
		return rd, true, fmt.Errorf("mysql grant %q must be mysql://host[:port]/database, without an account (the job gives it)", s)
	}
	rd.Host, rd.Port = strings.ToLower(u.Hostname()), 3306
	if p := u.Port(); p != "" {
		if rd.Port, err = strconv.Atoi(p); err != nil || rd.Port < 1 || rd.Port > 65535 {
			return rd, true, fmt.Errorf("mysql grant %q: the port must be from 1 to 65535", s)
		}
	}
	rd.Database = strings.TrimPrefix(u.Path, "/")
	if !identifier.MatchString(rd.Database) || strings.Contains(rd.Database, "/") {
		return rd, true, fmt.Errorf("mysql grant %q must name one database after the host: mysql://host[:port]/database", s)
	}
	switch strings.ToLower(rd.Database) {
	case "mysql", "information_schema", "performance_schema", "sys":
		return rd, true, fmt.Errorf("mysql grant %q names a system schema, which no job may use", s)
	}
	return rd, true, nil
}

// Addr is the grant's host:port.
func (rd RemoteDatabase) Addr() string { return net.JoinHostPort(rd.Host, strconv.Itoa(rd.Port)) }
