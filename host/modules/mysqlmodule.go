package modules

import (
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/jobbox/jobbox/host/modules/options"
)

// mysqlModule is core.mysql: the [databases] servers, through pools that
// the hosts of successive reloads share.
type mysqlModule struct {
	opts      options.Databases
	configs   map[string]*mysql.Config // each valid entry's, which connection tables are matched to
	pools     *pools
	databases map[string]*database // the host's own references on its pools
	warns     []string
}

func newMySQLModule(set options.Set, s shared) coreModule {
	configs := make(map[string]*mysql.Config, len(set.Databases))
	for name, c := range set.Databases {
		if cfg, err := mysqlConfig(name, c); err == nil {
			configs[name] = cfg
		}
	}
	return &mysqlModule{opts: set.Databases, configs: configs, pools: s.pools, databases: map[string]*database{}}
}

// provision takes a reference on the pool of every database, in name
// order, and checks their accounts.
func (m *mysqlModule) provision() error {
	dbs := make([]*database, 0, len(m.opts))
	for _, name := range slices.Sorted(maps.Keys(m.opts)) {
		db, _, err := m.pools.acquire(name, m.opts[name])
		if err != nil {
			return err
		}
		m.databases[name] = db
		dbs = append(dbs, db)
	}
	return m.checkAccounts(dbs)
}

// cleanup lets go of the module's references; each pool closes when the
// last run using it ends too.
func (m *mysqlModule) cleanup() error {
	var errs []error
	for _, db := range m.databases {
		errs = append(errs, m.pools.release(db))
	}
	return errors.Join(errs...)
}

func (m *mysqlModule) warnings() []string { return m.warns }

// database is one configured server, its pool shared by every job granted
// it and by the hosts of successive reloads that keep it (see pools).
type database struct {
	name       string // the [databases] entry
	dbName     string // the database its connections are pinned to
	pool       *sql.DB
	maxRows    int
	allowBroad bool

	id    string // in pools
	users int    // hosts and runs holding the pool; guarded by pools.mu

	checkMu sync.Mutex // serialises the privilege check
	checked bool       // the account's privileges were read
	verdict error      // and found too broad, or not
}

func openDatabase(name string, c options.Database) (*database, error) {
	cfg, err := mysqlConfig(name, c)
	if err != nil {
		return nil, err
	}
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("database %q: %w", name, err)
	}
	pool := sql.OpenDB(connector)
	pool.SetMaxOpenConns(c.OpenLimit())
	// Runs discard their connections (see session); only the start's
	// privilege check leaves one idle.
	pool.SetMaxIdleConns(1)
	pool.SetConnMaxIdleTime(time.Minute)
	return &database{name: name, dbName: cfg.DBName, pool: pool, maxRows: c.RowLimit(), allowBroad: c.AllowBroadAccount}, nil
}

// mysqlConfig is the driver's config for a [databases] entry, which must
// name its database: connections are pinned to it.
func mysqlConfig(name string, c options.Database) (*mysql.Config, error) {
	var cfg *mysql.Config
	if c.DSN != "" {
		var err error
		if cfg, err = mysql.ParseDSN(c.DSN); err != nil {
			return nil, fmt.Errorf("database %q: the dsn is not valid: %w", name, err)
		}
	} else {
		cfg = mysql.NewConfig()
		cfg.User, cfg.Passwd, cfg.DBName = c.User, c.Password, c.Database
		if c.Socket != "" {
			cfg.Net, cfg.Addr = "unix", c.Socket
		} else {
			port := c.Port
			if port == 0 {
				port = 3306
			}
			cfg.Net, cfg.Addr = "tcp", fmt.Sprintf("%s:%d", c.Host, port)
		}
	}
	switch {
	case cfg.DBName == "" && !c.AllowBroadAccount:
		return nil, fmt.Errorf("database %q names no database: a grant is to one database, so give it in the dsn (user:password@tcp(host:3306)/NAME) or as database = \"NAME\"", name)
	case systemSchemas[strings.ToLower(cfg.DBName)] && !c.AllowBroadAccount:
		return nil, fmt.Errorf("database %q names the system schema %q, which no job may use", name, cfg.DBName)
	}
	// Jobs see times as the server's text, and never run more than one
	// statement per call.
	cfg.ParseTime = false
	cfg.MultiStatements = false
	cfg.Timeout = c.CallTimeout()
	return cfg, nil
}
