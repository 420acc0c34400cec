package api

import (
	"sync/atomic"
	"time"
)

// turns gives each event stream of a server its own place in the period
// FlushEvery, so that busy streams write one after another rather than
// all at once. Streams that began together, or that all woke on the first
// event after a quiet spell, would otherwise keep one rhythm: every
// FlushEvery, ten streams reading and writing the same few hundred events
// in the same millisecond, a burst that held both CPUs of a small machine
// and made the runs due in it late (BENCHMARKS.md, Session 18).
type turns struct {
	epoch time.Time // slot 0 of every stream's phase 0
	n     atomic.Uint64
}

func newTurns() *turns { return &turns{epoch: time.Now()} }

// next is the cadence of a new stream. The k-th stream's phase is the
// fractional part of k/φ of the period: each new phase falls in the
// largest gap left by the others, so any number of streams stays spread
// (ten are at least FlushEvery/18 apart), and a stream's place needs no
// knowledge of which other streams are still open.
func (t *turns) next() cadence {
	return cadence{first: t.epoch.Add(Phase(t.n.Add(1)))}
}

// Phase is where in the period FlushEvery the k-th event stream of a
// server writes: the fractional part of k/φ of it (turns). The bench's
// look-alike streams keep the same rhythm with it.
func Phase(k uint64) time.Duration {
	const invPhi = 0.6180339887498949
	frac := float64(k) * invPhi
	frac -= float64(uint64(frac))
	return time.Duration(frac * float64(FlushEvery))
}

// cadence is one stream's slots: first, and every FlushEvery from it.
type cadence struct{ first time.Time }

// after is the stream's first slot at least half a period after a turn
// that began at t: a busy stream writes once a period, in its own slot,
// and after writing at once on an event that ended a quiet spell it
// writes next in its slot between half a period and a period and a half
// later.
func (c cadence) after(t time.Time) time.Time {
	d := t.Add(FlushEvery / 2).Sub(c.first)
	if d <= 0 {
		return c.first
	}
	return c.first.Add((d + FlushEvery - 1) / FlushEvery * FlushEvery)
}
