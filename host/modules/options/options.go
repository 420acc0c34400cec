// Package options holds the core modules' settings ([databases], [smtp],
// [network], [data]) and a job's grants of them, with their validation:
// each module's file owns its table, its bounds and the check of its
// grants. The config decodes into these types once (durations and sizes
// are package setting's typed values) and calls their Validate, which only
// checks; the modules provision themselves from them. It imports neither,
// so the config never links a database driver and the modules never read
// the config.
package options

import (
	"regexp"
	"time"

	"github.com/jobbox/jobbox/host/setting"
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
// problem (key is the dotted TOML key, for its position), and whether a
// file the config names can be read.
type Checker struct {
	Fail func(key, format string, args ...any)
	// Readable reports a file the config names that cannot be read.
	Readable func(path, key string)
}

// Job names the job whose grants are checked, for keys and messages.
type Job struct {
	Key   string // "jobs.3.grants"
	Label string // `job "x"`
}

// Validator is one module's settings: Validate checks them;
// ValidateGrants checks one job's grants of the module. Neither changes
// what it checks, so a config validates the same however often.
type Validator interface {
	Validate(c *Checker)
	ValidateGrants(g Grants, job Job, c *Checker)
}

var (
	_ Validator = Databases(nil)
	_ Validator = SMTP{}
	_ Validator = Network{}
	_ Validator = Data{}
)

// Set is every core module's settings: what modules.New provisions.
type Set struct {
	Databases Databases
	SMTP      SMTP
	Network   Network
	Data      Data
}

// checkTimeout reports a module's timeout that is not a duration, or not
// more than 0s and at most maxModuleTimeout.
func checkTimeout(d setting.Duration, key, label string, c *Checker) {
	if err := d.Err(); err != nil || d.Duration() <= 0 || d.Duration() > maxModuleTimeout {
		c.Fail(key, "%s %v", label, errOr(err, "must be more than 0s and at most 1h"))
	}
}

func errOr(err error, msg string) string {
	if err != nil {
		return err.Error()
	}
	return msg
}
