package modules

import (
	"context"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/modules/options"
)

// coreModules are the core modules by their ABI names, in the order they
// are provisioned. A new module is a file with its type and one row here
// (and its options in package options, and its guest wrapper).
var coreModules = [...]struct {
	name string
	new  func(set options.Set, s shared) coreModule
}{
	{abi.FuncData, newDataModule},
	{abi.FuncNetwork, newNetworkModule},
	{abi.FuncEmail, newEmailModule},
	{abi.FuncMySQL, newMySQLModule},
}

// coreModule is one core module of a Host.
type coreModule interface {
	// call serves core.NAME.method(a...) for run r, which holds the job's
	// grants and the run's counters and connections.
	call(ctx context.Context, r *run, method string, a args) ([]any, error)
}

// provisioner is a module that opens something when its Host is made
// (Caddy's Provisioner); an error refuses the config.
type provisioner interface{ provision() error }

// cleanerUpper is a module that lets go of something when its Host closes
// (Caddy's CleanerUpper).
type cleanerUpper interface{ cleanup() error }

// warner is a module with something the operator should see at every start
// and reload.
type warner interface{ warnings() []string }

var (
	_ coreModule   = (*dataModule)(nil)
	_ coreModule   = (*networkModule)(nil)
	_ provisioner  = (*networkModule)(nil)
	_ coreModule   = (*emailModule)(nil)
	_ provisioner  = (*emailModule)(nil)
	_ coreModule   = (*mysqlModule)(nil)
	_ provisioner  = (*mysqlModule)(nil)
	_ cleanerUpper = (*mysqlModule)(nil)
	_ warner       = (*mysqlModule)(nil)
)
