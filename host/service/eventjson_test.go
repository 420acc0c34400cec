package service

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

// FuzzEventJSON: the hand-written encoding of an event is byte for byte
// what encoding/json writes, whatever the strings and times hold.
func FuzzEventJSON(f *testing.F) {
	f.Add(uint64(1), int64(1767225600123456789), "run-end", "job-1", "schedule", "", "OK", "", int64(3e5), int64(0), "waiting", "", int64(0))
	f.Add(uint64(9), int64(-62135596800000000), "run-end", "<job> & \"x\"", "manual", "ann\u2028", "ERROR", "boom\n\x00\xff", int64(-1), int64(7), "deactivated", "error", int64(253402300800000000))
	f.Fuzz(func(t *testing.T, seq uint64, at int64, kind, job, trigger, actor, status, errText string, dur, late int64, state, reason string, next int64) {
		e := Event{Seq: seq, Time: time.Unix(0, at).UTC(), Kind: EventKind(kind), Job: job, Trigger: trigger, Actor: actor,
			Due: time.Unix(0, at-late).In(time.FixedZone("x", 3600)), Status: status, Error: errText,
			Duration: time.Duration(dur), Lateness: time.Duration(late), State: state, Reason: reason}
		if next != 0 {
			e.Next = time.Unix(0, next)
		}
		want, err := json.Marshal(e)
		if err != nil {
			return // a time json cannot write: not an event the service makes
		}
		if got := appendEventJSON(nil, e); !bytes.Equal(got, want) {
			t.Fatalf("got  %s\nwant %s", got, want)
		}
	})
}

func BenchmarkEventJSON(b *testing.B) {
	at := time.Now()
	e := Event{Seq: 12345, Time: at, Kind: EventRunEnd, Job: "job-0042", Trigger: "schedule", Due: at.Add(-time.Millisecond),
		Status: "OK", Duration: 312 * time.Microsecond, Lateness: 290 * time.Microsecond, State: "waiting", Next: at.Add(time.Second)}
	b.Run("hand", func(b *testing.B) {
		var buf []byte
		for b.Loop() {
			buf = appendEventJSON(buf[:0], e)
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		for b.Loop() {
			_, _ = json.Marshal(e)
		}
	})
}
