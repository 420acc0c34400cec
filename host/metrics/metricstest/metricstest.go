// Package metricstest reads a /metrics scrape in tests: the samples by
// name and labels, and what `promtool check metrics` says of it.
package metricstest

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// Scrape is one parsed scrape.
type Scrape struct {
	fams map[string]*dto.MetricFamily
}

// Parse parses body, in the text exposition format, failing t if it
// does not parse.
func Parse(t testing.TB, body []byte) Scrape {
	t.Helper()
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("parsing /metrics: %v\n%s", err, body)
	}
	return Scrape{fams: fams}
}

// Value finds the first sample of family name whose labels include want
// (pairs of name and value); ok is false when there is none. A histogram
// gives its count of observations.
func (s Scrape) Value(name string, want ...string) (v float64, ok bool) {
	m := s.find(name, want)
	switch {
	case m == nil:
		return 0, false
	case m.Counter != nil:
		return m.Counter.GetValue(), true
	case m.Gauge != nil:
		return m.Gauge.GetValue(), true
	case m.Histogram != nil:
		return float64(m.Histogram.GetSampleCount()), true
	}
	return 0, false
}

// Bucket returns the cumulative count of the bucket at upper bound le of
// the histogram name whose labels include want.
func (s Scrape) Bucket(name string, le float64, want ...string) uint64 {
	for _, b := range s.find(name, want).GetHistogram().GetBucket() {
		if b.GetUpperBound() == le {
			return b.GetCumulativeCount()
		}
	}
	return 0
}

// Series counts the samples of family name (a histogram's count once).
func (s Scrape) Series(name string) int { return len(s.fams[name].GetMetric()) }

func (s Scrape) find(name string, want []string) *dto.Metric {
next:
	for _, m := range s.fams[name].GetMetric() {
		for i := 0; i+1 < len(want); i += 2 {
			found := false
			for _, l := range m.Label {
				found = found || (l.GetName() == want[i] && l.GetValue() == want[i+1])
			}
			if !found {
				continue next
			}
		}
		return m
	}
	return nil
}

// Promtool runs `promtool check metrics` on body and fails t on any
// complaint, lint included; it skips t when promtool (Debian's prometheus
// package) is not installed.
func Promtool(t testing.TB, body []byte) {
	t.Helper()
	path, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool is not installed (Debian package prometheus)")
	}
	cmd := exec.Command(path, "check", "metrics")
	cmd.Stdin = bytes.NewReader(body)
	out, err := cmd.CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Fatalf("promtool check metrics: %v\n%s\n--- the output checked\n%s", err, out, body)
	}
}

// Want is a sample a test expects of a scrape: see Has and Check.
type Want struct {
	name   string
	value  float64
	labels []string
}

// Has is the expectation that the first sample of family name whose
// labels include labels (pairs of name and value) has value.
func Has(name string, value float64, labels ...string) Want {
	return Want{name: name, value: value, labels: labels}
}

// Check reports on t each of wants the scrape does not hold, and goes on.
func (s Scrape) Check(t testing.TB, wants ...Want) {
	t.Helper()
	for _, w := range wants {
		if v, ok := s.Value(w.name, w.labels...); !ok || v != w.value {
			t.Errorf("%s%v = %v (found %v), want %v", w.name, w.labels, v, ok, w.value)
		}
	}
}
