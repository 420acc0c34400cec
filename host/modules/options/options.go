// Package options holds the core modules' settings ([databases], [smtp],
// [network], [data]) and a job's grants of them, with their validation:
// each module's file owns its table, its bounds and the check of its
// grants. The config decodes into these types and calls their Validate;
// the modules provision themselves from them. It imports neither, so the
// config never links a database driver and the modules never read TOML.
package options

import (
	"regexp"
	"time"
)

// Bounds of the core modules' settings.
const (
	maxModuleTimeout = time.Hour
	maxOpen          = 1000
	maxRows          = 10_000_000
	maxMessages      = 10_000
	maxRequests      = 100_000
	maxDocuments     = 10_000_000
)

// identifier is a database entry's or a collection's name.
var identifier = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$`)

// Checker is what validation needs from the config: where to report a
// problem (key is the dotted TOML key, for its position), and how the
// config reads durations, sizes and file paths.
type Checker struct {
	Fail     func(key, format string, args ...any)
	Duration func(raw any) (time.Duration, error)
	Size     func(raw any) (uint64, error)
	// Readable reports a file the config names that cannot be read.
	Readable func(path, key string)
}

// Job names the job whose grants are checked, for keys and messages.
type Job struct {
	Key   string // "jobs.3.grants"
	Label string // `job "x"`
}

// Validator is one module's settings: Validate checks them and resolves
// their raw values; ValidateGrants checks one job's grants of the module.
type Validator interface {
	Validate(c *Checker)
	ValidateGrants(g *Grants, job Job, c *Checker)
}

var (
	_ Validator = Databases(nil)
	_ Validator = (*SMTP)(nil)
	_ Validator = (*Network)(nil)
	_ Validator = (*Data)(nil)
)

// Set is every core module's settings: what modules.New provisions.
type Set struct {
	Databases Databases
	SMTP      SMTP
	Network   Network
	Data      Data
}

func errOr(err error, msg string) string {
	if err != nil {
		return err.Error()
	}
	return msg
}
