package config

import (
	"fmt"
	"os"

	"github.com/jobbox/jobbox/host/modules/options"
)

// The module sections and grants are the modules' own types, so that each
// module owns its settings and their checks (see package options).
type (
	// Database is one [databases.NAME] table.
	Database = options.Database
	// SMTP is the [smtp] table.
	SMTP = options.SMTP
	// Network is the [network] table.
	Network = options.Network
	// Data is the [data] table.
	Data = options.Data
	// Grants are what a job may use of the core modules ([jobs.grants]).
	Grants = options.Grants
)

func defaultModules(c *Config) {
	c.Network = options.DefaultNetwork()
	c.Data = options.DefaultData()
	c.SMTP = options.DefaultSMTP()
}

// Modules are the core modules' settings, as modules.New provisions them.
func (c *Config) Modules() options.Set {
	return options.Set{Databases: c.Databases, SMTP: c.SMTP, Network: c.Network, Data: c.Data}
}

// validateModules checks [databases], [smtp], [network], [data] and every
// job's grants, each module its own, in the order of the file's sections.
func (c *Config) validateModules(fail func(key, format string, args ...any)) {
	check := &options.Checker{
		Fail:     fail,
		Readable: func(path, key string) { c.checkPath(path, key, fail) },
	}
	dbs := options.Databases(c.Databases)
	for _, v := range []options.Validator{dbs, c.SMTP, c.Network, c.Data} {
		v.Validate(check)
	}
	for i, j := range c.Jobs {
		job := options.Job{Key: fmt.Sprintf("jobs.%d.grants", i), Label: fmt.Sprintf("job %q", j.Name)}
		for _, v := range []options.Validator{dbs, c.Data, c.Network, c.SMTP} {
			v.ValidateGrants(j.Grants, job, check)
		}
	}
}

// checkPath checks that a file the config names (resolved by Parse) exists.
func (c *Config) checkPath(path, key string, fail func(key, format string, args ...any)) {
	if path == "" {
		return
	}
	if _, err := os.Stat(path); err != nil {
		fail(key, "%s cannot be read: %v", key, unwrapPathError(err))
	}
}
