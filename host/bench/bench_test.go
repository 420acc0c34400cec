package bench

import (
	"context"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestMain runs this test binary as the watcher process when the tests
// start it so (Options.Watcher), as jobbox bench starts `jobbox bench-watch`.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "bench-watch" {
		if err := Watch(context.Background(), os.Args[2:], os.Stdin, os.Stdout); err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// testWatcher starts this test binary as the watcher process.
var testWatcher = []string{os.Args[0], "bench-watch"}

// Each benchmark runs one case of `jobbox bench` and reports its medians as
// metrics, so `go test -bench` and `jobbox bench` measure the same things:
//
//	go test -run '^$' -bench . -benchtime 100x ./host/bench/
//
// -benchtime Nx sets the samples per figure (at least 3).

func BenchmarkTrivialLua(b *testing.B)     { benchCase(b, "1 ") }
func BenchmarkTrivialGoGuest(b *testing.B) { benchCase(b, "2 ") }
func BenchmarkLuaFib(b *testing.B)         { benchCase(b, "3 ") }
func BenchmarkHostCalls(b *testing.B)      { benchCase(b, "4 ") }
func BenchmarkCompile(b *testing.B)        { benchCase(b, "5 ") }
func BenchmarkMemory(b *testing.B)         { benchCase(b, "6 ") }
func BenchmarkScheduler(b *testing.B)      { benchCase(b, "7 ") }
func BenchmarkHostileCorpus(b *testing.B)  { benchCase(b, "8 ") }

// benchCase runs the case whose name starts with number.
func benchCase(b *testing.B, number string) {
	cases := Cases()
	i := slices.IndexFunc(cases, func(c Case) bool { return strings.HasPrefix(c.Name, number) })
	if i < 0 {
		b.Fatalf("no case %q", number)
	}
	o := Options{Runs: max(b.N, 3), Scale: 5 * time.Second, JobsDir: "../../jobs", CorpusDir: "../../tests", Quick: testing.Short()}
	rows, err := cases[i].Run(context.Background(), o)
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
	// Scrape and Subscribers: the scheduler case serves its metrics and
	// events to a watcher process too.
	o := Options{Runs: 3, Scale: time.Second, JobsDir: "../../jobs", Quick: true, Scrape: 200 * time.Millisecond,
		Subscribers: 2, Watcher: testWatcher}
	var cases []Case
	for _, c := range Cases() {
		// tests/hostile_test.go runs the hostile corpus beside a canary.
		if !strings.Contains(c.Name, "fib") && !strings.Contains(c.Name, "compile") && !strings.Contains(c.Name, "hostile") {
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
	for _, row := range []string{"one scrape of /metrics", "run-end events each /v1/events client read"} {
		if !strings.Contains(out.String(), row) {
			t.Errorf("the scheduler case has no row %q:\n%s", row, out.String())
		}
	}
}

func TestParseLoads(t *testing.T) {
	t.Parallel()
	got, err := ParseLoads("1500/1s, 100000/10m")
	if want := []Load{{1500, time.Second}, {100_000, 10 * time.Minute}}; err != nil || !slices.Equal(got, want) {
		t.Fatalf("got %v, %v; want %v", got, err, want)
	}
	for _, bad := range []string{"", "1500", "x/1s", "0/1s", "1500/", "1500/soon", "1500/-1s"} {
		if _, err := ParseLoads(bad); err == nil || !strings.Contains(err.Error(), "like") {
			t.Errorf("ParseLoads(%q): error %v, want one that shows the form", bad, err)
		}
	}
}

// TestWatcherThatFails: a watcher process that exits before it is ready,
// or a scenario with clients and no watcher command, is an error that
// says so.
func TestWatcherThatFails(t *testing.T) {
	t.Parallel()
	_, err := startWatcher([]string{os.Args[0], "bench-watch", "--no-such-flag"}, watchSpec{})
	if err == nil || !strings.Contains(err.Error(), "instead of ready") || !strings.Contains(err.Error(), "no-such-flag") {
		t.Errorf("a watcher that cannot start: %v", err)
	}
	if _, err := startWatcher(nil, watchSpec{}); err == nil || !strings.Contains(err.Error(), "Options.Watcher") {
		t.Errorf("no watcher command: %v", err)
	}
}
