package modules

import (
	"errors"
	"maps"
	"slices"

	"github.com/jobbox/jobbox/host/modules/options"
)

// mysqlModule is core.mysql: the [databases] servers, through pools that
// the hosts of successive reloads share.
type mysqlModule struct {
	opts      options.Databases
	pools     *pools
	databases map[string]*database // the host's own references on its pools
	warns     []string
}

func newMySQLModule(set options.Set, s shared) coreModule {
	return &mysqlModule{opts: set.Databases, pools: s.pools, databases: map[string]*database{}}
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
