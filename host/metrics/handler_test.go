package metrics

import (
	"bytes"
	"compress/gzip"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/jobbox/jobbox/host/metrics/metricstest"
)

// TestGzipWhenAccepted: a scraper that accepts gzip gets the same text
// compressed; one that does not, or refuses it with q=0, gets it plain.
func TestGzipWhenAccepted(t *testing.T) {
	t.Parallel()
	m := New(Options{MaxJobLabels: 1, Source: Source{Jobs: fakeJobs(Job{Name: "a", State: "waiting", Next: t0})}})
	m.SetJobs([]string{"a"})
	m.ObserveRun(Run{Job: "a", Outcome: "OK"})
	for _, tc := range []struct {
		accept string
		gzip   bool
	}{
		{"", false},
		{"gzip", true},
		{"identity, gzip;q=0.5", true},
		{"*", true},
		{"gzip;q=0", false},
		{"br, deflate", false},
	} {
		req := httptest.NewRequest("GET", "/metrics", nil)
		req.Header.Set("Accept-Encoding", tc.accept)
		rec := httptest.NewRecorder()
		m.Handler().ServeHTTP(rec, req)
		if got := rec.Header().Get("Content-Encoding") == "gzip"; got != tc.gzip {
			t.Errorf("Accept-Encoding %q: gzip %v, want %v", tc.accept, got, tc.gzip)
			continue
		}
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
			t.Errorf("Accept-Encoding %q: Content-Type %q, want the text format 0.0.4", tc.accept, ct)
		}
		body := rec.Body.Bytes()
		if tc.gzip {
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatalf("Accept-Encoding %q: %v", tc.accept, err)
			}
			if body, err = io.ReadAll(zr); err != nil {
				t.Fatalf("Accept-Encoding %q: %v", tc.accept, err)
			}
		}
		got := metricstest.Parse(t, body)
		got.Check(t, metricstest.Has("jobbox_runs_total", 1, "job", "a", "outcome", "ok"))
	}
}

// TestScrapesInFlightAreBounded: while maxScrapesInFlight scrapes wait on
// the service, one more is refused with 503 at once instead of queueing,
// and the waiting ones all finish once the service answers.
func TestScrapesInFlightAreBounded(t *testing.T) {
	t.Parallel()
	entered, release := make(chan struct{}), make(chan struct{})
	m := New(Options{Source: Source{Jobs: func([]string) (map[string]int, []Job) {
		entered <- struct{}{}
		<-release
		return nil, nil
	}}})
	codes := make(chan int, maxScrapesInFlight)
	for range maxScrapesInFlight {
		go func() {
			rec := httptest.NewRecorder()
			m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
			codes <- rec.Code
		}()
		<-entered
	}
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("a scrape past %d in flight: %d, want 503", maxScrapesInFlight, rec.Code)
	}
	close(release)
	for range maxScrapesInFlight {
		if c := <-codes; c != http.StatusOK {
			t.Errorf("a waiting scrape ended with %d, want 200", c)
		}
	}
}

// FuzzTextWriter: whatever a label value or a help text holds, the text
// written parses back (with client_golang's own parser) to the same
// value, label and help.
func FuzzTextWriter(f *testing.F) {
	for _, s := range []string{"job-1", `a"b`, `back\slash`, "line\nfeed", "", "ünï", `\"\n`} {
		f.Add(s, s, 1.5)
	}
	f.Fuzz(func(t *testing.T, label, help string, v float64) {
		if !utf8.ValidString(label) || !utf8.ValidString(help) {
			return // the format is UTF-8; job names and helps are
		}
		var w textWriter
		w.family("x_total", help, "counter")
		w.sample("x_total", v, "job", label)
		p := expfmt.NewTextParser(model.LegacyValidation)
		fams, err := p.TextToMetricFamilies(bytes.NewReader(w.b))
		if err != nil {
			t.Fatalf("%q does not parse: %v", w.b, err)
		}
		fam := fams["x_total"]
		// The parser skips the blanks that separate the name from the
		// help; jobbox's helps never start with one.
		if want := strings.TrimLeft(help, " \t"); fam.GetHelp() != want {
			t.Errorf("help %q read back as %q", want, fam.GetHelp())
		}
		s := fam.GetMetric()[0]
		if got := s.GetLabel()[0].GetValue(); got != label {
			t.Errorf("label %q read back as %q", label, got)
		}
		if got := s.GetCounter().GetValue(); got != v && !(math.IsNaN(got) && math.IsNaN(v)) {
			t.Errorf("value %v read back as %v", v, got)
		}
	})
}
