package modules

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// startCheckLimit bounds the privilege check of one database at a start or
// reload, so a server that does not answer delays it by this much at most.
const startCheckLimit = 3 * time.Second

// checkAccounts checks the accounts of the databases, in parallel, anew at
// every start and reload (grants change on the server too). An account
// that reaches too much refuses the config, and fails the runs of a pool
// that a reload kept; a server that cannot be reached is a warning, and
// its account is checked at the first connection of a run instead.
func (m *mysqlModule) checkAccounts(dbs []*database) error {
	errs := make([]error, len(dbs))
	var wg sync.WaitGroup
	for i, db := range dbs {
		if db.allowBroad {
			m.warns = append(m.warns, fmt.Sprintf("database %q: allow_broad_account is set, so its account's privileges are not checked: jobs granted it reach all the account can", db.name))
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), min(startCheckLimit, m.opts[db.name].CallTimeout()))
			defer cancel()
			conn, err := db.pool.Conn(ctx)
			if err == nil {
				err = db.recheck(ctx, conn)
				_ = conn.Close() // SHOW GRANTS leaves no session state
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	var refused []error
	for i, err := range errs {
		switch {
		case errors.Is(err, errBroadAccount):
			refused = append(refused, err)
		case err != nil:
			m.warns = append(m.warns, fmt.Sprintf("database %q: its account could not be checked now (%v); runs check it at their first connection", dbs[i].name, err))
		}
	}
	return errors.Join(refused...)
}
