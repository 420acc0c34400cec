package service

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Bus hands events to subscribers without ever waiting for one. It keeps
// the latest events in one ring that every subscriber reads at its own
// cursor: publishing stores the event once, whatever the number of
// subscribers, and wakes only those waiting for it. A subscriber that
// falls a whole ring behind misses the oldest events it had not read
// (Dropped counts them), so a slow reader never delays a run.
type Bus struct {
	mu   sync.Mutex
	seq  uint64       // the last event published
	ring []*published // event n at ring[n&mask]; nil while no one subscribes
	mask uint64
	subs int
	// wait is closed by the next Publish; nil while no subscriber waits.
	wait chan struct{}
}

// published is an event in the ring with its encoding for the admin API's
// streams, made at most once.
type published struct {
	ev  Event
	enc encoding
}

// Subscription is one subscriber's cursor on the bus. Its owner must
// Close it.
type Subscription struct {
	bus     *Bus
	since   uint64        // the last event published before it began
	next    uint64        // the Seq of the next event to read, under bus.mu
	dropped uint64        // under bus.mu
	closed  chan struct{} // closed by Close
	once    sync.Once
}

// DefaultEventBuffer is how many of the latest events the bus keeps for
// its subscribers: what an event stream reads between two writes
// (api.FlushEvery) more than ten times over, about 1.4 s of a schedule of
// 1,500 runs a second (two events per run). A power of two.
const DefaultEventBuffer = 4096

// ErrUnsubscribed is what Next returns once the subscription is closed.
var ErrUnsubscribed = errors.New("the subscription is closed")

// NewBus returns a bus with no subscribers, keeping DefaultEventBuffer
// events for them.
func NewBus() *Bus { return newBus(DefaultEventBuffer) }

// newBus returns a bus keeping size events, a power of two.
func newBus(size int) *Bus { return &Bus{mask: uint64(size - 1)} }

// Subscribe returns a feed of the events published from now on.
func (b *Bus) Subscribe() *Subscription {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ring == nil {
		b.ring = make([]*published, b.mask+1)
	}
	b.subs++
	return &Subscription{bus: b, since: b.seq, next: b.seq + 1, closed: make(chan struct{})}
}

// Publish numbers e, stamps its time if unset, and keeps it for the
// subscribers. It never blocks on a subscriber.
func (b *Bus) Publish(e Event) {
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.seq++
	if b.subs == 0 {
		return // no one to keep it for: a run's event costs no allocation
	}
	p := &published{ev: e}
	p.ev.Seq, p.ev.enc = b.seq, &p.enc
	b.ring[b.seq&b.mask] = p
	if b.wait != nil {
		close(b.wait)
		b.wait = nil
	}
}

// Subscribers is how many subscriptions are open.
func (b *Bus) Subscribers() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.subs
}

// Since is the Seq of the last event published before the subscription:
// its first event is Since()+1 unless it dropped some.
func (s *Subscription) Since() uint64 { return s.since }

// Next waits for the subscription's next event, in Seq order, until ctx
// ends or the subscription is closed (ErrUnsubscribed).
func (s *Subscription) Next(ctx context.Context) (Event, error) {
	return s.nextOrStop(ctx, nil)
}

// nextOrStop is Next that also ends, with errStopping, when stop closes.
func (s *Subscription) nextOrStop(ctx context.Context, stop <-chan struct{}) (Event, error) {
	for {
		e, wait, ok := s.take()
		if ok {
			return e, nil
		}
		if wait == nil {
			return Event{}, ErrUnsubscribed
		}
		select {
		case <-wait:
		case <-s.closed:
			return Event{}, ErrUnsubscribed
		case <-stop:
			return Event{}, errStopping
		case <-ctx.Done():
			return Event{}, ctx.Err()
		}
	}
}

// ready appends to dst up to max of the events already published, in Seq
// order. The records it returns are never changed once published, so they
// may be read without the lock.
func (s *Subscription) ready(dst []*published, max int) []*published {
	s.bus.mu.Lock()
	defer s.bus.mu.Unlock()
	return s.readLocked(dst, max)
}

// take reads the next event. With none yet, it returns the channel the
// next Publish closes; with none and no channel, the subscription is
// closed.
func (s *Subscription) take() (e Event, wait <-chan struct{}, ok bool) {
	b := s.bus
	b.mu.Lock()
	defer b.mu.Unlock()
	var one [1]*published
	if got := s.readLocked(one[:0], 1); len(got) == 1 {
		return got[0].ev, nil, true
	}
	if s.isClosed() {
		return Event{}, nil, false
	}
	if b.wait == nil {
		b.wait = make(chan struct{})
	}
	return Event{}, b.wait, false
}

// readLocked is ready with the bus's lock held: it skips the events the
// ring no longer holds, counting them as dropped, and reads none once the
// subscription is closed.
func (s *Subscription) readLocked(dst []*published, max int) []*published {
	b := s.bus
	if s.isClosed() {
		return dst
	}
	if oldest := b.seq - b.mask; b.seq > b.mask && s.next < oldest {
		s.dropped += oldest - s.next
		s.next = oldest
	}
	for ; s.next <= b.seq && len(dst) < max; s.next++ {
		dst = append(dst, b.ring[s.next&b.mask])
	}
	return dst
}

func (s *Subscription) isClosed() bool {
	select {
	case <-s.closed:
		return true
	default:
		return false
	}
}

// Dropped is how many events the subscriber missed because it fell a
// whole ring behind: an SSE writer tells its client it lagged when this
// grows.
func (s *Subscription) Dropped() uint64 {
	s.bus.mu.Lock()
	defer s.bus.mu.Unlock()
	return s.dropped
}

// Close unsubscribes; a Next waiting returns ErrUnsubscribed. It is safe
// to call more than once, and from another goroutine than the reader's.
func (s *Subscription) Close() {
	s.once.Do(func() {
		b := s.bus
		b.mu.Lock()
		defer b.mu.Unlock()
		close(s.closed)
		if b.subs--; b.subs == 0 {
			clear(b.ring) // the events kept for no one
		}
	})
}
