package metrics

import (
	"math"
	"runtime"
	"strconv"
	"strings"
)

// textWriter appends samples in Prometheus's text exposition format
// (version 0.0.4), for the per-job families that a scrape renders itself
// (see handler.go): one family at a time, a HELP and a TYPE line, then its
// samples.
type textWriter struct {
	b       []byte
	samples int
}

// yieldEvery is how many samples a scrape writes between two
// runtime.Gosched calls. A scrape of thousands of jobs is milliseconds of
// CPU in one goroutine; yielding now and then lets a run that comes due
// meanwhile, or the scheduler's loop, take the processor in turn instead
// of waiting for the whole scrape (a 1 Hz scrape otherwise shows in the
// runs' p99 lateness at 1,500 runs/s).
const yieldEvery = 512

// Write appends p, so expfmt can encode into the same text.
func (w *textWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

// family starts the family name of kind typ ("counter", "gauge").
func (w *textWriter) family(name, help, typ string) {
	w.b = append(w.b, "# HELP "...)
	w.b = append(w.b, name...)
	w.b = append(w.b, ' ')
	w.b = appendEscaped(w.b, help, false)
	w.b = append(w.b, "\n# TYPE "...)
	w.b = append(w.b, name...)
	w.b = append(w.b, ' ')
	w.b = append(w.b, typ...)
	w.b = append(w.b, '\n')
}

// sample appends one sample of name; labels are pairs of name and value.
func (w *textWriter) sample(name string, v float64, labels ...string) {
	w.b = append(w.b, name...)
	for i := 0; i+1 < len(labels); i += 2 {
		if i == 0 {
			w.b = append(w.b, '{')
		} else {
			w.b = append(w.b, ',')
		}
		w.b = append(w.b, labels[i]...)
		w.b = append(w.b, `="`...)
		w.b = appendEscaped(w.b, labels[i+1], true)
		w.b = append(w.b, '"')
	}
	if len(labels) > 1 {
		w.b = append(w.b, '}')
	}
	w.b = append(w.b, ' ')
	w.b = appendValue(w.b, v)
	w.b = append(w.b, '\n')
	if w.samples++; w.samples%yieldEvery == 0 {
		runtime.Gosched()
	}
}

// appendEscaped appends s with the format's escapes: a backslash and a
// line feed everywhere, a double quote in label values.
func appendEscaped(b []byte, s string, quote bool) []byte {
	if !strings.ContainsAny(s, "\\\n\"") {
		return append(b, s...)
	}
	for i := range len(s) {
		switch c := s[i]; {
		case c == '\\':
			b = append(b, `\\`...)
		case c == '\n':
			b = append(b, `\n`...)
		case c == '"' && quote:
			b = append(b, `\"`...)
		default:
			b = append(b, c)
		}
	}
	return b
}

// appendValue writes v as expfmt does: the shortest decimal that reads
// back as v, and +Inf, -Inf, NaN.
func appendValue(b []byte, v float64) []byte {
	switch {
	case math.IsInf(v, +1):
		return append(b, "+Inf"...)
	case math.IsInf(v, -1):
		return append(b, "-Inf"...)
	case math.IsNaN(v):
		return append(b, "NaN"...)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}
