package domain

import (
	"fmt"
	"time"
)

// Trigger is what started a run.
type Trigger string

const (
	// TriggerSchedule: the job's interval (or SLEEP wake-up) came due.
	TriggerSchedule Trigger = "schedule"
	// TriggerManual: an operator asked for a run now (RunNow).
	TriggerManual Trigger = "manual"
	// TriggerReload: the first run a reload placed (a new job, or a
	// stopped or re-activated one started again).
	TriggerReload Trigger = "reload"
)

// Actor is who asked for an action: a user or token name, and where the
// request came from (an address, "unix socket", "signal").
type Actor struct {
	Name string
	From string
}

// System is the actor of what the service does by itself or on a signal.
var System = Actor{Name: "system"}

func (a Actor) String() string {
	if a.From == "" {
		return a.Name
	}
	return fmt.Sprintf("%s (%s)", a.Name, a.From)
}

// RunKey names one run so that hosts sharing one store agree on it: the
// job, the time it was due (for a manual run, the time it was asked for),
// and its trigger. Two hosts that both see a run due make the same key, so
// a shared store can let only one of them run it.
type RunKey struct {
	Job     string
	Due     time.Time
	Trigger Trigger
}

func (k RunKey) String() string {
	return fmt.Sprintf("%s@%s/%s", k.Job, k.Due.UTC().Format(time.RFC3339Nano), k.Trigger)
}
