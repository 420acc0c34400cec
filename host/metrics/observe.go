package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// ObserveRun counts a finished run. The scheduler's report calls it once
// per run: a map lookup under a read lock and a few atomic adds.
func (m *Metrics) ObserveRun(r Run) {
	i := outcomeIndex(r.Outcome)
	m.jobs.runs(r.Job).runs[i].Add(1)
	m.duration[i].Observe(max(r.Duration, 0).Seconds())
	m.lateness.Observe(max(r.Lateness, 0).Seconds())
	m.memory.Observe(float64(r.Memory))
	if r.Deactivated != "" {
		m.Deactivated(r.Deactivated)
	}
}

// outcomeIndex is the index in outcomes of a status name; an unknown one
// counts as an error, as the scheduler treats it.
func outcomeIndex(status string) int {
	switch status {
	case "OK":
		return 0
	case "SLEEP":
		return 1
	case "STOP":
		return 2
	case "EXIT":
		return 3
	}
	return 4
}

// Deactivated counts a job deactivated for reason: "error", "exit" or
// "admin" (anything else counts as "other").
func (m *Metrics) Deactivated(reason string) { count(m.deactivations, reason) }

// ModuleCall counts a call to a core module, and whether it was refused
// for want of a grant.
func (m *Metrics) ModuleCall(module string, denied bool) {
	count(m.moduleCalls, module)
	if denied {
		count(m.denied, module)
	}
}

// StoreWrite records how long a write to the state store took; op names
// it ("record_run", "save_job").
func (m *Metrics) StoreWrite(op string, took time.Duration) {
	pick(m.storeWrites, op).Observe(took.Seconds())
}

// count adds one to the counter of label in fixed, or of "other".
func count(fixed map[string]prometheus.Counter, label string) { pick(fixed, label).Inc() }

// pick returns the series of label in fixed, or of "other".
func pick[T any](fixed map[string]T, label string) T {
	if s, ok := fixed[label]; ok {
		return s
	}
	return fixed[other]
}
