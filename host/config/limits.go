package config

import (
	"fmt"
	"time"
)

// Limits bound each run of a job. Durations are strings such as "30s" or
// numbers of seconds; sizes are strings such as "64MiB" or numbers of bytes.
// A job's limit left unset is the one of [limits].
type Limits struct {
	Timeout   Duration `toml:"timeout"`
	Memory    Size     `toml:"memory"`
	LogLines  Count    `toml:"log_lines"`
	LogBytes  Size     `toml:"log_bytes"`
	HostCalls Count    `toml:"host_calls"`
	CallBytes Size     `toml:"call_bytes"`
	RunBytes  Size     `toml:"run_bytes"`
	Stack     Count    `toml:"stack_depth"`
}

// Resolved are limits in their Go types, every one set.
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

// DefaultLimits returns the limits of [limits], which a job's own override.
func (c *Config) DefaultLimits() Resolved { return c.Limits.over(Resolved{}) }

// JobLimits returns the limits of a run of j: its own, and those of
// [limits] for what it leaves unset.
func (c *Config) JobLimits(j Job) Resolved { return j.Limits.over(c.DefaultLimits()) }

// over returns base with the limits l sets in their place.
func (l Limits) over(base Resolved) Resolved {
	r := base
	if l.Timeout.IsSet() {
		r.Timeout = l.Timeout.Duration()
	}
	if l.Memory.IsSet() {
		r.Memory = l.Memory.Bytes()
	}
	if l.LogLines.IsSet() {
		r.LogLines = int(l.LogLines.Int())
	}
	if l.LogBytes.IsSet() {
		r.LogBytes = int(l.LogBytes.Bytes())
	}
	if l.HostCalls.IsSet() {
		r.HostCalls = int(l.HostCalls.Int())
	}
	if l.CallBytes.IsSet() {
		r.CallBytes = int(l.CallBytes.Bytes())
	}
	if l.RunBytes.IsSet() {
		r.RunBytes = int64(l.RunBytes.Bytes())
	}
	if l.Stack.IsSet() {
		r.Stack = int(l.Stack.Int())
	}
	return r
}

// checkLimits checks the limits l sets.
func checkLimits(l Limits, key, label string, fail failFunc) {
	if t := l.Timeout; t.IsSet() && (t.Err() != nil || t.Duration() <= 0 || t.Duration() > maxTimeout) {
		fail(key+".timeout", "%s.timeout %v", label, errOr(t.Err(), fmt.Sprintf("must be more than 0s and at most 24h, not %s", t.Duration())))
	}
	if m := l.Memory; m.IsSet() && (m.Err() != nil || m.Bytes() < 1<<20 || m.Bytes() > maxMemory) {
		fail(key+".memory", "%s.memory %v", label, errOr(m.Err(), fmt.Sprintf("must be from 1MiB to 4GiB (a wasm32 guest addresses at most 4GiB), not %s", m.String())))
	}
	checkCount(l.LogLines, maxLogLines, key, label, "log_lines", fail)
	checkCount(l.HostCalls, maxHostCalls, key, label, "host_calls", fail)
	checkCount(l.Stack, maxStackDepth, key, label, "stack_depth", fail)
	checkBytes(l.LogBytes, maxLogBytes, "64MiB", key, label, "log_bytes", fail)
	checkBytes(l.CallBytes, maxCallBytes, "256MiB", key, label, "call_bytes", fail)
	checkBytes(l.RunBytes, maxRunBytes, "64GiB", key, label, "run_bytes", fail)
}

// checkCount checks that n, when set, is a whole number from 1 to max.
// The key and label of the value are those of its table joined to field,
// only when it is wrong: a config may have many jobs.
func checkCount(n Count, max int64, key, label, field string, fail failFunc) {
	if n.IsSet() && !n.In(max) {
		fail(join(key, field), "%s must be a whole number from 1 to %d, not %s", join(label, field), max, n.String())
	}
}

// checkBytes checks that s, when set, is a size from 1 byte to max, which
// reads maxName.
func checkBytes(s Size, max uint64, maxName, key, label, field string, fail failFunc) {
	if s.IsSet() && (s.Err() != nil || s.Bytes() < 1 || s.Bytes() > max) {
		fail(join(key, field), "%s %v", join(label, field), errOr(s.Err(), fmt.Sprintf("must be from 1 byte to %s, not %s", maxName, s.String())))
	}
}

// join joins the key or label of a table and that of one of its values.
func join(table, field string) string {
	if table == "" {
		return field
	}
	return table + "." + field
}
