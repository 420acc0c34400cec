// Package config reads config.toml: DefaultConfig, then Parse (strict: an
// unknown key or a wrong type is an error), then Validate. Every error names
// the file, line and column it is about.
package config

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
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
	Timezone string `toml:"timezone"`
	// LogLevel is one of debug, info, warn, error.
	LogLevel string `toml:"log_level"`
	// ShutdownGrace is how long a stopping service waits for runs in flight.
	ShutdownGrace any `toml:"shutdown_grace"`
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
	// MaxLuaFile and MaxWasmFile cap the size of a job file of each kind;
	// CompileTimeout and CompileMemory bound compiling a .wasm guest.
	MaxLuaFile     any `toml:"max_lua_file"`
	MaxWasmFile    any `toml:"max_wasm_file"`
	CompileTimeout any `toml:"compile_timeout"`
	CompileMemory  any `toml:"compile_memory"`
	// Limits are the defaults of every job's limits.
	Limits Limits `toml:"limits"`
	// Databases, SMTP, Network and Data configure the core modules.
	Databases map[string]Database `toml:"databases"`
	SMTP      SMTP                `toml:"smtp"`
	Network   Network             `toml:"network"`
	Data      Data                `toml:"data"`
	Jobs      []Job               `toml:"jobs"`

	// Set by Parse.
	Path string `toml:"-"` // the file this came from
	Dir  string `toml:"-"` // its directory, the base of relative paths

	// Set by Validate.
	Location *time.Location `toml:"-"`
	Grace    time.Duration  `toml:"-"`
	Default  Resolved       `toml:"-"` // Limits, resolved
	Loading  Loading        `toml:"-"` // job_dirs and the loading bounds, resolved

	positions positions
}

// Limits bound each run of a job. Durations are strings such as "30s" or
// numbers of seconds; sizes are strings such as "64MiB" or numbers of bytes.
type Limits struct {
	Timeout   any `toml:"timeout"`
	Memory    any `toml:"memory"`
	LogLines  any `toml:"log_lines"`
	LogBytes  any `toml:"log_bytes"`
	HostCalls any `toml:"host_calls"`
	CallBytes any `toml:"call_bytes"`
	RunBytes  any `toml:"run_bytes"`
	Stack     any `toml:"stack_depth"`
}

// Resolved are limits in their Go types.
type Resolved struct {
	Timeout   time.Duration
	Memory    uint64
	LogLines  int
	LogBytes  int
	HostCalls int
	CallBytes int
	RunBytes  int64
	Stack     int
}

// Job is one [[jobs]] entry.
type Job struct {
	Name     string `toml:"name"`
	File     string `toml:"file"`
	Interval any    `toml:"interval"`
	RunOnce  bool   `toml:"run_once"`
	Active   *bool  `toml:"active"`
	Limits   Limits `toml:"limits"`
	Grants   Grants `toml:"grants"`

	Path string `toml:"-"` // File resolved against the config's directory, by Parse

	// Set by Validate.
	Root           string        `toml:"-"` // the job directory Path lies in
	IntervalPeriod time.Duration `toml:"-"`
	Resolved       Resolved      `toml:"-"`
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
		Timezone:          "Local",
		LogLevel:          "info",
		ShutdownGrace:     "30s",
		MaxConcurrentRuns: 64,
		HistorySize:       50,
		MaxLuaFile:        "1MiB",
		MaxWasmFile:       "64MiB",
		CompileTimeout:    "20s",
		CompileMemory:     "1GiB",
		Limits: Limits{Timeout: "30s", Memory: "64MiB", LogLines: int64(1000), LogBytes: "64KiB",
			HostCalls: int64(100_000), CallBytes: "1MiB", RunBytes: "64MiB", Stack: int64(20_000)},
	}
	defaultModules(c)
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
	c.Path = path
	c.Dir = filepath.Dir(path)
	dec := toml.NewDecoder(bytes.NewReader(data)).DisallowUnknownFields()
	if err := dec.Decode(c); err != nil {
		return c.decodeError(err)
	}
	c.positions = locate(data)
	c.resolvePaths()
	return nil
}

// resolvePaths makes the config's relative paths relative to its file,
// once, here and not in Validate, so Validate can run any number of times.
func (c *Config) resolvePaths() {
	resolve := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(c.Dir, p)
	}
	c.StateDir = resolve(c.StateDir)
	c.SMTP.CAFile = resolve(c.SMTP.CAFile)
	c.Network.CAFile = resolve(c.Network.CAFile)
	for i := range c.Jobs {
		c.Jobs[i].Path = resolve(c.Jobs[i].File)
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
	// The core modules' own.
	maxModuleTimeout = time.Hour
	maxOpen          = 1000
	maxRows          = 10_000_000
	maxMessages      = 10_000
	maxRequests      = 100_000
	maxDocuments     = 10_000_000
)

var jobName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

// Validate checks every value, converts durations and sizes, and reports
// all problems at once, each with its position. It changes nothing else,
// so calling it again gives the same result.
func (c *Config) Validate() error {
	var errs Errors
	fail := func(key, format string, args ...any) {
		line, col := c.positions.of(key)
		errs = append(errs, Error{File: c.Path, Line: line, Col: col, Message: fmt.Sprintf(format, args...)})
	}
	if c.StateDir == "" {
		fail("state_dir", "state_dir must not be empty")
	}
	loc, err := loadLocation(c.Timezone)
	if err != nil {
		fail("timezone", "timezone %q is not a known IANA zone name (like \"Europe/Paris\") or \"Local\"", c.Timezone)
	}
	c.Location = loc
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		fail("log_level", "log_level %q must be one of debug, info, warn, error", c.LogLevel)
	}
	if c.Grace, err = duration(c.ShutdownGrace); err != nil {
		fail("shutdown_grace", "shutdown_grace %v", err)
	} else if c.Grace > maxGrace {
		fail("shutdown_grace", "shutdown_grace must be at most 1h, not %s", c.Grace)
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
	defaults := Resolved{}
	c.Default = resolveLimits(c.Limits, defaults, "limits", "limits", fail)
	c.validateLoading(fail)

	seen := map[string]int{}
	for i := range c.Jobs {
		j := &c.Jobs[i]
		key := fmt.Sprintf("jobs.%d", i)
		switch {
		case j.Name == "":
			fail(key, "job %d has no name", i+1)
		case !jobName.MatchString(j.Name):
			fail(key+".name", "job name %q may hold only letters, digits, '.', '_' and '-' (at most 64)", j.Name)
		default:
			if first, dup := seen[j.Name]; dup {
				line, _ := c.positions.of(fmt.Sprintf("jobs.%d.name", first))
				fail(key+".name", "job name %q is used twice (first on line %d)", j.Name, line)
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
				if err := c.checkJobFile(j, label); err != nil {
					fail(key+".file", "%v", err)
				}
			}
		}
		if j.Interval == nil {
			fail(key, "%s has no interval (seconds, or a duration like \"90s\")", label)
		} else if j.IntervalPeriod, err = duration(j.Interval); err != nil {
			fail(key+".interval", "%s: interval %v", label, err)
		} else if j.IntervalPeriod < time.Second || j.IntervalPeriod > maxInterval {
			fail(key+".interval", "%s: interval must be from 1s to 366 days, not %s", label, j.IntervalPeriod)
		}
		j.Resolved = resolveLimits(j.Limits, c.Default, key+".limits", label+": limits", fail)
	}
	c.validateModules(fail)
	if len(errs) > 0 {
		// In the file's order, as an operator reads it.
		slices.SortStableFunc(errs, func(a, b Error) int { return cmp.Compare(a.Line, b.Line) })
		return errs
	}
	return nil
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func loadLocation(name string) (*time.Location, error) {
	if name == "" || name == "Local" {
		return time.Local, nil
	}
	return time.LoadLocation(name)
}

// resolveLimits converts l, falling back to base for what l leaves unset.
func resolveLimits(l Limits, base Resolved, key, label string, fail func(key, format string, args ...any)) Resolved {
	r := base
	var err error
	if l.Timeout != nil {
		if r.Timeout, err = duration(l.Timeout); err != nil || r.Timeout <= 0 || r.Timeout > maxTimeout {
			fail(key+".timeout", "%s.timeout %v", label, errOr(err, fmt.Sprintf("must be more than 0s and at most 24h, not %s", r.Timeout)))
		}
	}
	if l.Memory != nil {
		if r.Memory, err = size(l.Memory); err != nil || r.Memory < 1<<20 || r.Memory > maxMemory {
			fail(key+".memory", "%s.memory %v", label, errOr(err, fmt.Sprintf("must be from 1MiB to 4GiB (a wasm32 guest addresses at most 4GiB), not %v", l.Memory)))
		}
	}
	if l.LogLines != nil {
		r.LogLines = count(l.LogLines, maxLogLines, key+".log_lines", label+".log_lines", fail)
	}
	if l.HostCalls != nil {
		r.HostCalls = count(l.HostCalls, maxHostCalls, key+".host_calls", label+".host_calls", fail)
	}
	if l.Stack != nil {
		r.Stack = count(l.Stack, maxStackDepth, key+".stack_depth", label+".stack_depth", fail)
	}
	if l.LogBytes != nil {
		r.LogBytes = int(byteLimit(l.LogBytes, maxLogBytes, "64MiB", key+".log_bytes", label+".log_bytes", fail))
	}
	if l.CallBytes != nil {
		r.CallBytes = int(byteLimit(l.CallBytes, maxCallBytes, "256MiB", key+".call_bytes", label+".call_bytes", fail))
	}
	if l.RunBytes != nil {
		r.RunBytes = byteLimit(l.RunBytes, maxRunBytes, "64GiB", key+".run_bytes", label+".run_bytes", fail)
	}
	return r
}

// count reads a whole number from 1 to max.
func count(v any, max int64, key, label string, fail func(key, format string, args ...any)) int {
	n, ok := v.(int64)
	if !ok || n < 1 || n > max {
		fail(key, "%s must be a whole number from 1 to %d, not %v", label, max, v)
		return 0
	}
	return int(n)
}

// byteLimit reads a size from 1 byte to max, which reads maxName.
func byteLimit(v any, max uint64, maxName, key, label string, fail func(key, format string, args ...any)) int64 {
	n, err := size(v)
	if err != nil || n < 1 || n > max {
		fail(key, "%s %v", label, errOr(err, fmt.Sprintf("must be from 1 byte to %s, not %v", maxName, v)))
		return 0
	}
	return int64(n)
}

func errOr(err error, msg string) string {
	if err != nil {
		return err.Error()
	}
	return msg
}

// duration reads a number of seconds or a Go duration string.
func duration(v any) (time.Duration, error) {
	switch x := v.(type) {
	case int64:
		if x < 0 || x > math.MaxInt64/int64(time.Second) {
			return 0, fmt.Errorf("must be a positive number of seconds, not %d", x)
		}
		return time.Duration(x) * time.Second, nil
	case float64:
		if !(x >= 0) || x > float64(math.MaxInt64/int64(time.Second)) { // NaN too
			return 0, fmt.Errorf("must be a positive number of seconds, not %v", x)
		}
		return time.Duration(x * float64(time.Second)), nil
	case string:
		d, err := time.ParseDuration(x)
		if err != nil || d < 0 {
			return 0, fmt.Errorf("%q is not a duration like \"90s\", \"5m\" or \"1h30m\"", x)
		}
		return d, nil
	}
	return 0, fmt.Errorf("must be a number of seconds or a duration string, not %v", v)
}

var sizeUnits = map[string]uint64{
	"": 1, "b": 1,
	"kb": 1000, "mb": 1000 * 1000, "gb": 1000 * 1000 * 1000,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30,
}

var sizePattern = regexp.MustCompile(`^\s*(\d+)\s*([A-Za-z]*)\s*$`)

// size reads a number of bytes or a string such as "64MiB".
func size(v any) (uint64, error) {
	switch x := v.(type) {
	case int64:
		if x < 0 {
			return 0, fmt.Errorf("must not be negative")
		}
		return uint64(x), nil
	case string:
		m := sizePattern.FindStringSubmatch(x)
		if m != nil {
			unit, ok := sizeUnits[strings.ToLower(m[2])]
			n, err := strconv.ParseUint(m[1], 10, 64)
			if ok && err == nil && n <= math.MaxUint64/unit {
				return n * unit, nil
			}
		}
		return 0, fmt.Errorf("%q is not a size like \"64MiB\", \"512KiB\" or a number of bytes", x)
	}
	return 0, fmt.Errorf("must be a number of bytes or a size string, not %v", v)
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
