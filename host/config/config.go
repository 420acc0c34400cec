// Package config reads config.toml: DefaultConfig, then Parse (strict: an
// unknown key or a wrong type is an error; every value is decoded here,
// once), then Validate, which only checks. Every error names the file, line
// and column it is about.
package config

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
)

// Config is the whole of config.toml.
type Config struct {
	// StateDir holds the state store, the compilation cache and the admin
	// socket. A relative path is relative to the config file.
	StateDir string `toml:"state_dir"`
	// Timezone is what the helpers call local time: an IANA name such as
	// "Europe/Paris", or "Local" for the host's own.
	Timezone Zone `toml:"timezone"`
	// LogLevel is one of debug, info, warn, error.
	LogLevel string `toml:"log_level"`
	// ShutdownGrace is how long a stopping service waits for runs in flight.
	ShutdownGrace Duration `toml:"shutdown_grace"`
	// MaxConcurrentRuns bounds the runs executing guest code at once, over
	// all jobs; a run that sleeps or waits on a module call gives its turn up.
	MaxConcurrentRuns int `toml:"max_concurrent_runs"`
	// MaxRunsInFlight bounds the runs started and not finished, sleeping
	// ones included: it bounds the memory of runs. 0 is 4 × MaxConcurrentRuns.
	MaxRunsInFlight int `toml:"max_runs_in_flight"`
	// HistorySize is how many runs the store keeps per job.
	HistorySize int `toml:"history_size"`
	// SpreadFirstRuns spreads each new job's first run over its first
	// interval (sched.Options.SpreadFirstRuns). Read at the start only.
	SpreadFirstRuns bool `toml:"spread_first_runs"`
	// JobDirs are the directories job files must lie in; the config
	// file's own directory when unset. A symlink out of them is refused.
	JobDirs []string `toml:"job_dirs"`
	// Include names more files of [[jobs]] (glob patterns, include.go).
	Include []string `toml:"include"`
	// MaxLuaFile and MaxWasmFile cap the size of a job file of each kind;
	// CompileTimeout and CompileMemory bound compiling a .wasm guest.
	MaxLuaFile     Size     `toml:"max_lua_file"`
	MaxWasmFile    Size     `toml:"max_wasm_file"`
	CompileTimeout Duration `toml:"compile_timeout"`
	CompileMemory  Size     `toml:"compile_memory"`
	// Limits are the defaults of every job's limits.
	Limits Limits `toml:"limits"`
	// Databases, SMTP, Network and Data configure the core modules.
	Databases map[string]Database `toml:"databases"`
	SMTP      SMTP                `toml:"smtp"`
	Network   Network             `toml:"network"`
	Data      Data                `toml:"data"`
	Jobs      []Job               `toml:"jobs"`
	Admin     Admin               `toml:"admin"`
	// Metrics configures the Prometheus listener (metrics.go).
	Metrics Metrics `toml:"metrics"`

	// Set by Parse.
	Path string `toml:"-"` // the file this came from
	Dir  string `toml:"-"` // its directory, the base of relative paths

	positions positions
	included  []included
}

// Job is one [[jobs]] entry.
type Job struct {
	Name     string   `toml:"name"`
	File     string   `toml:"file"`
	Interval Duration `toml:"interval"`
	RunOnce  bool     `toml:"run_once"`
	Active   *bool    `toml:"active"`
	Limits   Limits   `toml:"limits"`
	Grants   Grants   `toml:"grants"`

	// Set by Parse: File resolved against the config's directory, and the
	// first job directory it lies in ("" when none; Validate says so).
	Path string `toml:"-"`
	Root string `toml:"-"`
	// Source is the config file that defines the job: Path or an include.
	Source string `toml:"-"`
}

// IsActive reports whether the job is active in the config (the default).
func (j Job) IsActive() bool { return j.Active == nil || *j.Active }

// maxRunsInFlight is the most max_runs_in_flight may be: each run in flight
// holds an instance, whose memory is at least one 64 KiB page.
const maxRunsInFlight = 1 << 20

// DefaultConfig returns the settings a config file overrides.
func DefaultConfig() *Config {
	c := &Config{
		StateDir:          "state",
		Timezone:          ZoneOf("Local"),
		LogLevel:          "info",
		ShutdownGrace:     DurationOf(30 * time.Second),
		MaxConcurrentRuns: 64,
		HistorySize:       50,
		MaxLuaFile:        SizeOf("1MiB"),
		MaxWasmFile:       SizeOf("64MiB"),
		CompileTimeout:    DurationOf(20 * time.Second),
		CompileMemory:     SizeOf("1GiB"),
		Limits: Limits{Timeout: DurationOf(30 * time.Second), Memory: SizeOf("64MiB"), LogLines: CountOf(1000),
			LogBytes: SizeOf("64KiB"), HostCalls: CountOf(100_000), CallBytes: SizeOf("1MiB"), RunBytes: SizeOf("64MiB"),
			Stack: CountOf(20_000)},
		Metrics: DefaultMetrics(),
	}
	defaultModules(c)
	c.Admin = defaultAdmin()
	return c
}

// Load reads, parses and validates the config file at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the config: %w", err)
	}
	c := DefaultConfig()
	if err := c.Parse(data, path); err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// Parse decodes data, the contents of the file at path, over c, and
// resolves its relative paths against path's directory. Unknown keys and
// values of the wrong type are errors.
func (c *Config) Parse(data []byte, path string) error {
	return c.ParseWith(data, path, OSFiles{})
}

// ParseWith is Parse finding and reading the files the config includes
// in files.
func (c *Config) ParseWith(data []byte, path string, files Files) error {
	c.Path = path
	c.Dir = filepath.Dir(path)
	dec := toml.NewDecoder(bytes.NewReader(data)).DisallowUnknownFields().EnableUnmarshalerInterface()
	if err := dec.Decode(c); err != nil {
		return c.decodeError(err)
	}
	c.positions = locate(data)
	if err := c.include(files); err != nil {
		return err
	}
	c.resolvePaths()
	return nil
}

// resolvePaths makes the config's relative paths relative to its file,
// once, here and not in Validate, so Validate can run any number of times.
func (c *Config) resolvePaths() {
	resolve := c.resolve
	c.StateDir = resolve(c.StateDir)
	c.SMTP.CAFile = resolve(c.SMTP.CAFile)
	c.Network.CAFile = resolve(c.Network.CAFile)
	c.Admin.CertFile, c.Admin.KeyFile = resolve(c.Admin.CertFile), resolve(c.Admin.KeyFile)
	roots := c.jobRoots()
	for i := range c.Jobs {
		j := &c.Jobs[i]
		j.Path = resolve(j.File)
		j.Root = roots.of(j.File)
	}
}

func (c *Config) decodeError(err error) error {
	var strict *toml.StrictMissingError
	if errors.As(err, &strict) {
		var errs Errors
		for _, e := range strict.Errors {
			line, col := e.Position()
			errs = append(errs, Error{File: c.Path, Line: line, Col: col,
				Message: fmt.Sprintf("unknown key %q", strings.Join(e.Key(), "."))})
		}
		return errs
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		line, col := de.Position()
		return Errors{{File: c.Path, Line: line, Col: col, Message: typeMessage(de)}}
	}
	return Errors{{File: c.Path, Line: 1, Col: 1, Message: err.Error()}}
}

var typeMismatch = regexp.MustCompile(`^cannot decode TOML (\w+) into struct field \S+ of type (\S+)$`)

// typeMessage rewrites go-toml's type errors, which name Go types, in the
// terms of the config file.
func typeMessage(de *toml.DecodeError) string {
	msg := strings.TrimPrefix(de.Error(), "toml: ")
	m := typeMismatch.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	want := map[string]string{"string": "a string", "int": "a whole number", "bool": "true or false", "*bool": "true or false"}[m[2]]
	if want == "" {
		want = "a table"
	}
	key := strings.Join(de.Key(), ".")
	if key == "" {
		key = "this value"
	}
	return fmt.Sprintf("%s must be %s, not a TOML %s", key, want, m[1])
}

// Upper bounds of config values: far above any sensible setting, low
// enough that no value overflows what it feeds or promises more than a
// host can give. README's "Which limits bound what" explains each.
const (
	maxMemory         = 4 << 30 // a wasm32 guest addresses at most 4GiB
	maxTimeout        = 24 * time.Hour
	maxGrace          = time.Hour
	maxInterval       = 366 * 24 * time.Hour
	maxLogLines       = 1_000_000
	maxLogBytes       = 64 << 20
	maxHostCalls      = 1_000_000_000
	maxCallBytes      = 256 << 20
	maxRunBytes       = 64 << 30
	maxStackDepth     = 1_000_000
	maxConcurrentRuns = 10_000
	maxHistorySize    = 10_000
)

var jobName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

// failFunc records a problem with the value at key.
type failFunc func(key, format string, args ...any)

// Validate checks every value and reports all problems at once, each with
// its position. It only reads the config (Parse decoded the values), so
// calling it again gives the same result.
func (c *Config) Validate() error {
	var errs Errors
	fail := func(key, format string, args ...any) {
		line, col := c.positions.of(key)
		errs = append(errs, Error{File: c.fileOf(key), Line: line, Col: col, Message: fmt.Sprintf(format, args...)})
	}
	if c.StateDir == "" {
		fail("state_dir", "state_dir must not be empty")
	}
	if err := c.Timezone.err; err != nil {
		fail("timezone", "%v", err)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		fail("log_level", "log_level %q must be one of debug, info, warn, error", c.LogLevel)
	}
	if g := c.ShutdownGrace; g.Err() != nil {
		fail("shutdown_grace", "shutdown_grace %v", g.Err())
	} else if g.Duration() > maxGrace {
		fail("shutdown_grace", "shutdown_grace must be at most 1h, not %s", g.Duration())
	}
	if c.MaxConcurrentRuns < 1 || c.MaxConcurrentRuns > maxConcurrentRuns {
		fail("max_concurrent_runs", "max_concurrent_runs must be from 1 to %d, not %d", maxConcurrentRuns, c.MaxConcurrentRuns)
	}
	if c.MaxRunsInFlight != 0 && (c.MaxRunsInFlight < c.MaxConcurrentRuns || c.MaxRunsInFlight > maxRunsInFlight) {
		fail("max_runs_in_flight", "max_runs_in_flight must be 0 (4 × max_concurrent_runs) or between max_concurrent_runs (%d) and %d, not %d", c.MaxConcurrentRuns, maxRunsInFlight, c.MaxRunsInFlight)
	}
	if c.HistorySize < 1 || c.HistorySize > maxHistorySize {
		fail("history_size", "history_size must be from 1 to %d, not %d", maxHistorySize, c.HistorySize)
	}
	checkLimits(c.Limits, "limits", "limits", fail)
	roots := c.validateLoading(fail)
	seen := map[string]int{}
	for i := range c.Jobs {
		c.validateJob(i, roots, seen, fail)
	}
	c.validateModules(fail)
	c.validateAdmin(fail)
	c.validateMetrics(fail)
	if len(errs) > 0 {
		// In the file's order, as an operator reads it.
		slices.SortStableFunc(errs, func(a, b Error) int {
			return cmp.Or(cmp.Compare(c.fileRank(a.File), c.fileRank(b.File)), cmp.Compare(a.Line, b.Line))
		})
		return errs
	}
	return nil
}

// validateJob checks the i-th job; seen maps the names met so far to
// their job's index.
func (c *Config) validateJob(i int, roots roots, seen map[string]int, fail failFunc) {
	j := &c.Jobs[i]
	key := fmt.Sprintf("jobs.%d", i)
	switch {
	case j.Name == "":
		fail(key, "job %d has no name", i+1)
	case !jobName.MatchString(j.Name):
		fail(key+".name", "job name %q may hold only letters, digits, '.', '_' and '-' (at most 64)", j.Name)
	default:
		if first, dup := seen[j.Name]; dup {
			firstKey := fmt.Sprintf("jobs.%d.name", first)
			line, _ := c.positions.of(firstKey)
			where := fmt.Sprintf("line %d", line)
			if f := c.fileOf(firstKey); f != c.fileOf(key) {
				where = fmt.Sprintf("%s, line %d", f, line)
			}
			fail(key+".name", "job name %q is used twice (first on %s)", j.Name, where)
		} else {
			seen[j.Name] = i
		}
	}
	label := fmt.Sprintf("job %q", j.Name)
	if j.File == "" {
		fail(key, "%s has no file", label)
	} else {
		switch ext := strings.ToLower(filepath.Ext(j.File)); {
		case ext != ".lua" && ext != ".wasm":
			fail(key+".file", "%s: file %s must be a .lua job file or a .wasm guest", label, j.File)
		default:
			if err := c.checkJobFile(*j, roots, label); err != nil {
				fail(key+".file", "%v", err)
			}
		}
	}
	switch iv := j.Interval; {
	case !iv.IsSet():
		fail(key, "%s has no interval (seconds, or a duration like \"90s\")", label)
	case iv.Err() != nil:
		fail(key+".interval", "%s: interval %v", label, iv.Err())
	case iv.Duration() < time.Second || iv.Duration() > maxInterval:
		fail(key+".interval", "%s: interval must be from 1s to 366 days, not %s", label, iv.Duration())
	}
	checkLimits(j.Limits, key+".limits", label+": limits", fail)
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func errOr(err error, msg string) string {
	if err != nil {
		return err.Error()
	}
	return msg
}

// Error is one problem in a config file.
type Error struct {
	File      string
	Line, Col int
	Message   string
}

func (e Error) Error() string { return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Message) }

// Errors is every problem found in a config file, one per line.
type Errors []Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// StateDirOf reads only state_dir from a config file's contents, leniently,
// for commands that must find the running service even when the file has
// since been broken. It returns the default when state_dir is absent.
func StateDirOf(data []byte) string {
	var partial struct {
		StateDir string `toml:"state_dir"`
	}
	if toml.Unmarshal(data, &partial) == nil && partial.StateDir != "" {
		return partial.StateDir
	}
	return DefaultConfig().StateDir
}
