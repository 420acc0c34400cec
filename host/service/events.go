package service

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/api"
	"github.com/jobbox/jobbox/host/sched"
)

// EventKind says what an Event reports.
type EventKind string

const (
	EventRunStart EventKind = "run-start" // a run started
	EventRunEnd   EventKind = "run-end"   // a run ended and was recorded
	// EventJobState: a job was activated or deactivated, by an operator,
	// its config, or its own run (Reason says which).
	EventJobState EventKind = "job-state"
	EventService  EventKind = "service" // the service's status changed (Status)
)

// Event is one thing that happened, for the dashboard's live view. Fields
// that do not apply to its Kind are zero.
type Event struct {
	// Seq grows by one per event published: a subscriber that sees a gap
	// dropped the events in it.
	Seq  uint64    `json:"seq"`
	Time time.Time `json:"time"`
	Kind EventKind `json:"kind"`
	Job  string    `json:"job,omitempty"`

	Trigger  string        `json:"trigger,omitempty"` // run-start, run-end: schedule, manual or reload
	Actor    string        `json:"actor,omitempty"`   // who asked for a manual run, or for a state change
	Due      time.Time     `json:"due,omitzero"`      // run-start, run-end
	Status   string        `json:"status,omitempty"`  // run-end: OK, SLEEP, STOP, EXIT, ERROR; service: its status
	Error    string        `json:"error,omitempty"`   // run-end: why the run failed
	Duration time.Duration `json:"duration_ns,omitempty"`
	Lateness time.Duration `json:"lateness_ns,omitempty"`
	State    string        `json:"state,omitempty"`  // run-end, job-state: the job's state after it
	Next     time.Time     `json:"next,omitzero"`    // run-end: the job's next run, if one is queued
	Reason   string        `json:"reason,omitempty"` // job-state: activate, deactivate, error, exit, reload

	enc *encoding // shared by every subscriber's copy
}

// encoding is an event as the admin API's streams send it, made once for
// all of them.
type encoding struct {
	once sync.Once
	api  api.Event
}

// JSON is the event as one line of JSON.
func (e Event) JSON() []byte { return appendEventJSON(nil, e) }

// apiEvent is the event as GET /v1/events sends it, made by the first
// stream that asks, off the run's path, and shared by the others, which
// then only copy its frame: ten streams encode an event once.
func (e *Event) apiEvent() api.Event {
	if e.enc == nil {
		return newAPIEvent(e)
	}
	e.enc.once.Do(func() { e.enc.api = newAPIEvent(e) })
	return e.enc.api
}

// newAPIEvent encodes e. Its JSON is written first in a buffer on the
// stack, sized for nearly every event, and copied once, into the frame.
func newAPIEvent(e *Event) api.Event {
	var scratch [512]byte
	return api.NewEvent(e.Seq, string(e.Kind), appendEventJSON(scratch[:0], *e))
}

// RunStarted announces a run's start (sched.Options.OnStart).
func (b *Bus) RunStarted(st sched.Started) {
	b.Publish(Event{Time: st.At, Kind: EventRunStart, Job: st.Job, Trigger: string(st.Trigger), Actor: st.Actor.Name, Due: st.Due})
}

// RunEnded announces a run's end (sched.Options.OnReport) and, when the run deactivated its job,
// the job's change of state.
func (b *Bus) RunEnded(r sched.Report) {
	out := r.Outcome
	b.Publish(Event{
		Time: out.End, Kind: EventRunEnd, Job: r.Job, Trigger: string(r.Trigger), Actor: r.Actor.Name, Due: r.Due,
		Status: out.Status.String(), Error: out.Error, Duration: out.Duration(), Lateness: r.Lateness(),
		State: string(r.State), Next: r.Next,
	})
	var reason string
	switch {
	case r.State == sched.Deactivated && out.Status == abi.StatusError:
		reason = "error"
	case r.State == sched.Exited:
		reason = "exit"
	default:
		return
	}
	b.Publish(Event{Time: out.End, Kind: EventJobState, Job: r.Job, State: string(r.State), Reason: reason})
}

// Reloaded announces a job's change of state by a reload
// (sched.Options.OnStateChange): State is empty for a removed job.
func (b *Bus) Reloaded(c sched.StateChange) {
	b.Publish(Event{Kind: EventJobState, Job: c.Job, State: string(c.To), Reason: "reload"})
}

// apiSubscription is a Subscription as the admin API reads it: Next
// waits on the bus itself, with no goroutine of its own, and ends when
// the service stops.
type apiSubscription struct {
	sub     *Subscription
	stopped <-chan struct{}
	ready   []*published // Ready's scratch
}

// newAPISubscription subscribes to bus for the admin API; the feed ends
// when stopped closes.
func newAPISubscription(bus *Bus, stopped <-chan struct{}) *apiSubscription {
	return &apiSubscription{sub: bus.Subscribe(), stopped: stopped}
}

func (a *apiSubscription) Since() uint64 { return a.sub.Since() }

var errStopping = errors.New("the service is stopping")

func (a *apiSubscription) Next(ctx context.Context) (api.Event, error) {
	e, err := a.sub.nextOrStop(ctx, a.stopped)
	if err != nil {
		if errors.Is(err, ErrUnsubscribed) {
			err = errStopping
		}
		return api.Event{}, err
	}
	return e.apiEvent(), nil
}

// Ready takes the waiting events' places under one hold of the bus's
// lock and reads them after it: a burst's readers keep the publishers,
// on the runs' path, waiting as little as possible.
func (a *apiSubscription) Ready(dst []api.Event, max int) []api.Event {
	a.ready = a.sub.ready(a.ready[:0], max)
	for _, p := range a.ready {
		dst = append(dst, p.ev.apiEvent())
	}
	return dst
}

func (a *apiSubscription) Close() { a.sub.Close() }
