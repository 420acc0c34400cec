package modules

import (
	"fmt"
	"sync"

	"github.com/jobbox/jobbox/host/modules/options"
)

// pools shares database pools among the module hosts of one service, keyed
// by a database's name and settings: a reload that keeps a database keeps
// its pool and its connections, and a pool closes when the last host or run
// using it lets go (Caddy's UsagePool). No timer guesses when runs end.
type pools struct {
	mu   sync.Mutex
	byID map[string]*database
}

func newPools() *pools { return &pools{byID: map[string]*database{}} }

// poolID identifies a database entry: its name (errors name it) and every
// setting, so any change gives a new pool.
func poolID(name string, c options.Database) string {
	return fmt.Sprintf("%s\x00%#v", name, c)
}

// acquire returns the pool of a database entry, opening it if no host or
// run holds it (again, if a reload closed it while a run still waited to
// start), and counts one more user. fresh tells a newly opened pool.
func (p *pools) acquire(name string, c options.Database) (db *database, fresh bool, err error) {
	id := poolID(name, c)
	p.mu.Lock()
	defer p.mu.Unlock()
	if db := p.byID[id]; db != nil {
		db.users++
		return db, false, nil
	}
	db, err = openDatabase(name, c)
	if err != nil {
		return nil, false, err
	}
	db.id, db.users = id, 1
	p.byID[id] = db
	return db, true, nil
}

// release counts one user less, and closes the pool with the last.
func (p *pools) release(db *database) error {
	p.mu.Lock()
	db.users--
	last := db.users == 0
	if last {
		delete(p.byID, db.id)
	}
	p.mu.Unlock()
	if last {
		return db.pool.Close()
	}
	return nil
}

// open reports how many pools are open, for tests.
func (p *pools) open() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.byID)
}
