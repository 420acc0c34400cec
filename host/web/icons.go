package web

// icon is how the job list shows a state: the seed's icon for it, the
// seed's hover text, and a short label for screen readers and narrow
// screens.
type icon struct {
	Name  string // the symbol's id in static/icons.svg
	Tone  string // ok, warn, bad or idle: the colour class
	Label string
	Hover string
}

// icons holds the seed guide's status table ("Job Status") and the states
// jobbox adds to it: a run in flight, and the two kinds of deactivation
// the seed folds into job.EXIT's icon.
var icons = map[string]icon{
	"waiting":      {"check", "ok", "OK", "Is active and recurring or active and waiting to run."},
	"sleeping":     {"hourglass-end", "ok", "Sleeping", "Is active and will run again 24 hours after its last run."},
	"stopped":      {"sync", "warn", "Stopped", "Is active but will not run again until a reload event is issued."},
	"exited":       {"ban", "bad", "Exited", "Is not active, and will not run until reactivated manually."},
	"once-pending": {"hourglass-start", "ok", "Run Once, pending", "This Job has been marked as Run Once but has not run yet."},
	"once-done":    {"coffee", "idle", "Run Once, done", "This Job has Run Once and will not run until a service reboot."},
	"running":      {"running", "ok", "Running", "A run of this Job is in flight."},
	"deactivated":  {"pause", "idle", "Deactivated", "Is not active: deactivated by an operator or the config. It will not run until reactivated."},
	"error":        {"error", "bad", "Deactivated by an error", "A run failed, so the Job was deactivated. Its last error is in its details; it will not run until reactivated."},
}

// iconOf is the icon of a job: a job deactivated because a run failed
// gets the error icon rather than the operator's pause.
func iconOf(state, reason string) icon {
	if state == "deactivated" && reason == "error" {
		state = "error"
	}
	if ic, ok := icons[state]; ok {
		return ic
	}
	return icon{"pause", "idle", state, "State " + state + "."}
}
