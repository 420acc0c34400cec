package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
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

// TestSchedulerWatchedInSpells: with Alternate, the watcher process
// connects its clients and scrapes in every other spell, and the table
// compares the runs due in the two kinds of spell.
func TestSchedulerWatchedInSpells(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts an engine and a watcher process")
	}
	o := Options{Runs: 3, Scale: time.Second, Quick: true, Subscribers: 2, Scrape: 50 * time.Millisecond,
		Alternate: 100 * time.Millisecond, Settle: 20 * time.Millisecond, Watcher: testWatcher}
	var out strings.Builder
	if err := RunCases(context.Background(), []Case{{"7 scheduler", scheduler}}, o, &out); err != nil {
		t.Fatal(err)
	}
	for _, row := range []string{"watched spells", "other spells", "watched ÷ other spells", "p50 lateness, median of pairs", "p99 lateness, median of pairs", "watched ÷ other spells after their first 20ms, p99 lateness", "one scrape of /metrics", "client read"} {
		if !strings.Contains(out.String(), row) {
			t.Errorf("no row %q:\n%s", row, out.String())
		}
	}
}

func TestPairedRatio(t *testing.T) {
	t.Parallel()
	// Pair 3's other spell is empty: it counts for nothing.
	pairs := map[int]*[2]stats{
		1: {{1, 2, 3}, {1, 1, 1}},
		2: {{4, 4}, {2, 2}},
		3: {{9}, nil},
		4: {{1, 5, 1}, {1, 1, 2}},
	}
	rows := pairedRatio(pairs, "spells", 0.5)
	if len(rows) != 1 || rows[0].Median != 2 || rows[0].Low != 1 || rows[0].High != 2 || !strings.HasPrefix(rows[0].Note, "3 pairs") {
		t.Fatalf("rows %+v, want the median of ratios 2, 2 and 1, which is 2, with 1–2, of 3 pairs", rows)
	}
	rows = pairedRatio(pairs, "spells", 0.99)
	if len(rows) != 1 || rows[0].Median != 2.5 || !strings.Contains(rows[0].Figure, "p99") {
		t.Fatalf("rows %+v, want the median of the p99s' ratios 3, 2 and 2.5, which is 2.5, in a p99 row", rows)
	}
	if rows := pairedRatio(map[int]*[2]stats{1: {nil, {1}}}, "spells", 0.5); rows != nil {
		t.Fatalf("rows %+v with no whole pair, want none", rows)
	}
}

func TestAlternation(t *testing.T) {
	t.Parallel()
	from := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	a := alternation{from: from, length: time.Second}
	for _, c := range []struct {
		at      time.Duration // after from
		watched bool
		on      time.Duration // the watched spell it is in, or the next
		into    time.Duration // how far into its spell
	}{
		{-time.Second / 2, false, 0, 0},
		{-3 * time.Second, false, 0, 0},
		{0, true, 0, 0},
		{999 * time.Millisecond, true, 0, 999 * time.Millisecond},
		{time.Second, false, 2 * time.Second, 0},
		{2500 * time.Millisecond, true, 2 * time.Second, 500 * time.Millisecond},
		{3999 * time.Millisecond, false, 4 * time.Second, 999 * time.Millisecond},
	} {
		at := from.Add(c.at)
		on, off := a.nextSpell(at)
		k, into := a.spell(at)
		watched := k >= 0 && k%2 == 0
		if watched != c.watched || into != c.into || !on.Equal(from.Add(c.on)) || off.Sub(on) != time.Second {
			t.Errorf("at from%+v: watched %v, %v into its spell, spell %v–%v; want %v, %v, from%+v", c.at, watched, into, on.Sub(from), off.Sub(from), c.watched, c.into, c.on)
		}
	}
}

// TestCountRunEnds: the stream clients count every run-end event, however
// the stream's bytes are split between reads.
func TestCountRunEnds(t *testing.T) {
	t.Parallel()
	var stream strings.Builder
	for i := range 50 {
		fmt.Fprintf(&stream, "id: %d\nevent: run-start\ndata: {}\n\nid: %d\nevent: run-end\ndata: {}\n\n", 2*i+1, 2*i+2)
	}
	stream.WriteString(": heartbeat\n\n")
	for name, r := range map[string]io.Reader{
		"whole":       strings.NewReader(stream.String()),
		"byte a read": iotest.OneByteReader(strings.NewReader(stream.String())),
		"half":        iotest.HalfReader(strings.NewReader(stream.String())),
	} {
		if n := countRunEnds(r); n != 50 {
			t.Errorf("%s: counted %d run ends, want 50", name, n)
		}
	}
}
