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

// encoding is an event's JSON, made once for all subscribers.
type encoding struct {
	once sync.Once
	data []byte
}

// JSON is the event as one line of JSON, for an SSE data field. It is
// encoded once, by the first subscriber that asks, off the run's path.
func (e Event) JSON() []byte {
	if e.enc == nil {
		return appendEventJSON(nil, e)
	}
	e.enc.once.Do(func() { e.enc.data = appendEventJSON(nil, e) })
	return e.enc.data
}

// Bus hands events to subscribers without ever waiting for one: a
// subscriber whose buffer is full misses the event (Dropped counts it), so
// a slow reader never delays a run.
type Bus struct {
	mu   sync.Mutex
	seq  uint64
	subs map[*Subscription]struct{}
}

// Subscription is one subscriber's feed. Its owner must Close it.
type Subscription struct {
	bus     *Bus
	c       chan Event
	dropped uint64 // under bus.mu
	closed  bool   // under bus.mu
}

// DefaultEventBuffer is a subscription's buffer when Subscribe is given
// none: what an event stream may hold between two writes (api.FlushEvery)
// with room to spare, about 0.3 s of a schedule of 1,500 runs a second
// (two events per run).
const DefaultEventBuffer = 1024

// NewBus returns a bus with no subscribers.
func NewBus() *Bus { return &Bus{subs: map[*Subscription]struct{}{}} }

// Subscribe returns a feed of the events published from now on, buffering
// up to buffer of them (DefaultEventBuffer if buffer <= 0).
func (b *Bus) Subscribe(buffer int) *Subscription {
	sub, _ := b.subscribe(buffer)
	return sub
}

// subscribe subscribes and returns the Seq of the last event published
// before the subscription.
func (b *Bus) subscribe(buffer int) (*Subscription, uint64) {
	if buffer <= 0 {
		buffer = DefaultEventBuffer
	}
	sub := &Subscription{bus: b, c: make(chan Event, buffer)}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.subs[sub] = struct{}{}
	return sub, b.seq
}

// Publish numbers e, stamps its time if unset, and offers it to every
// subscriber. It never blocks on a subscriber. Events reach each
// subscriber in Seq order.
func (b *Bus) Publish(e Event) {
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.seq++
	if len(b.subs) == 0 {
		return // no one to encode it for: a run's event costs no allocation
	}
	e.Seq = b.seq
	e.enc = &encoding{}
	for sub := range b.subs {
		select {
		case sub.c <- e:
		default:
			sub.dropped++
		}
	}
}

// Subscribers is how many subscriptions are open.
func (b *Bus) Subscribers() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs)
}

// Events is the feed; it is closed by Close.
func (s *Subscription) Events() <-chan Event { return s.c }

// Dropped is how many events the subscriber missed because its buffer
// was full: an SSE writer tells its client it lagged (or disconnects it)
// when this grows.
func (s *Subscription) Dropped() uint64 {
	s.bus.mu.Lock()
	defer s.bus.mu.Unlock()
	return s.dropped
}

// Close unsubscribes and closes the feed. It is safe to call more than
// once, and from another goroutine than the reader's.
func (s *Subscription) Close() {
	s.bus.mu.Lock()
	defer s.bus.mu.Unlock()
	if s.closed {
		return
	}
	s.closed = true
	delete(s.bus.subs, s)
	close(s.c)
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
// waits on the feed itself, with no goroutine of its own, and ends when
// the service stops.
type apiSubscription struct {
	sub     *Subscription
	since   uint64
	stopped <-chan struct{}
}

// newAPISubscription subscribes to bus for the admin API; the feed ends
// when stopped closes.
func newAPISubscription(bus *Bus, stopped <-chan struct{}) apiSubscription {
	sub, since := bus.subscribe(0)
	return apiSubscription{sub: sub, since: since, stopped: stopped}
}

func (a apiSubscription) Since() uint64 { return a.since }

var errStopping = errors.New("the service is stopping")

func (a apiSubscription) Next(ctx context.Context) (api.Event, error) {
	select {
	case e, ok := <-a.sub.Events():
		if !ok {
			return api.Event{}, errStopping
		}
		return api.Event{ID: e.Seq, Kind: string(e.Kind), Data: e.JSON()}, nil
	case <-ctx.Done():
		return api.Event{}, ctx.Err()
	case <-a.stopped:
		return api.Event{}, errStopping
	}
}

func (a apiSubscription) TryNext() (api.Event, bool) {
	select {
	case e, ok := <-a.sub.Events():
		if ok {
			return api.Event{ID: e.Seq, Kind: string(e.Kind), Data: e.JSON()}, true
		}
	default:
	}
	return api.Event{}, false
}

func (a apiSubscription) Close() { a.sub.Close() }
