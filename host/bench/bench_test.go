package bench

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Each benchmark runs one case of `jobbox bench` and reports its medians as
// metrics, so `go test -bench` and `jobbox bench` measure the same things:
//
//	go test -run '^$' -bench . -benchtime 100x ./host/bench/
//
// -benchtime Nx sets the samples per figure (at least 3).

func BenchmarkTrivialLua(b *testing.B)     { benchCase(b, TrivialLua) }
func BenchmarkTrivialGoGuest(b *testing.B) { benchCase(b, TrivialGoGuest) }
func BenchmarkLuaFib(b *testing.B)         { benchCase(b, LuaFib) }
func BenchmarkHostCalls(b *testing.B)      { benchCase(b, HostCalls) }
func BenchmarkCompile(b *testing.B)        { benchCase(b, Compile) }
func BenchmarkMemory(b *testing.B)         { benchCase(b, Memory) }
func BenchmarkScheduler(b *testing.B)      { benchCase(b, Scheduler) }

func benchCase(b *testing.B, run func(context.Context, Options) ([]Row, error)) {
	o := Options{Runs: max(b.N, 3), Scale: 5 * time.Second, JobsDir: "../../jobs", Quick: testing.Short()}
	rows, err := run(context.Background(), o)
	if err != nil {
		b.Fatal(err)
	}
	for _, r := range rows {
		if r.Unit != "" {
			b.ReportMetric(r.Median, metricName(r))
		}
	}
}

var notMetric = regexp.MustCompile(`[^A-Za-z0-9]+`)

// metricName turns a row into a go test metric name: its unit, then its
// figure in one word ("ms/Lua-run-from-a-pooled-clone...").
func metricName(r Row) string {
	return r.Unit + "/" + strings.Trim(notMetric.ReplaceAllString(r.Figure, "-"), "-")
}

// TestSuiteRuns runs the quick cases once with few samples, so the suite
// cannot rot between the times someone runs it for figures.
func TestSuiteRuns(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts several engines")
	}
	var out strings.Builder
	o := Options{Runs: 3, Scale: time.Second, JobsDir: "../../jobs", Quick: true}
	var cases []Case
	for _, c := range Cases {
		if !strings.Contains(c.Name, "fib") && !strings.Contains(c.Name, "compile") {
			cases = append(cases, c)
		}
	}
	if err := RunCases(context.Background(), cases, o, &out); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if !strings.Contains(out.String(), c.Name) {
			t.Errorf("the table has no row for %s:\n%s", c.Name, out.String())
		}
	}
}
