package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"strings"
	"time"

	"github.com/jobbox/jobbox/host/bench"
)

// defaultWatchers is remote where the watcher process can take the idle
// CPU priority (Linux), local elsewhere.
func defaultWatchers() string {
	if runtime.GOOS == "linux" {
		return "remote"
	}
	return "local"
}

// cmdBench runs the benchmark suite (package bench) and prints its table.
// It takes its own flags, which no other command has.
func cmdBench(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("jobbox bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := bench.Options{}
	fs.IntVar(&o.Runs, "runs", 200, "samples per timed figure")
	fs.DurationVar(&o.Scale, "window", 10*time.Second, "how long each scheduler scenario is measured")
	fs.StringVar(&o.JobsDir, "jobs", "jobs", "the directory of the shipped example jobs (for hello-go.wasm)")
	fs.StringVar(&o.CorpusDir, "corpus", "tests", "the directory of the hostile corpus (hostile/*.lua, guests/*.expect)")
	fs.BoolVar(&o.Quick, "quick", false, "one small scheduler scenario instead of four")
	fs.IntVar(&o.Subscribers, "subscribers", 0, "HTTP clients of GET /v1/events (the admin API's handler, on loopback) reading every event of the scheduler scenarios, run in a process of their own")
	fs.DurationVar(&o.Scrape, "scrape", 0, "in the scheduler case, feed the metrics and scrape /metrics this often (e.g. 1s), from the clients' process")
	fs.DurationVar(&o.Alternate, "alternate", 0, "with --subscribers or --scrape, watch only in every other spell this long (e.g. 2s) and compare the runs due in the two kinds of spell; alone, measure that comparison's noise")
	fs.DurationVar(&o.Settle, "settle", 0, "with --alternate, compare again the runs due after each spell's first this long (e.g. 200ms): connecting apart from being connected")
	fs.BoolVar(&o.Ghost, "ghost", false, "with --subscribers, the clients read look-alike streams their own process serves, not the service's: what hosting them costs the machine, apart from serving them")
	watchers := fs.String("watchers", defaultWatchers(), "where the stream clients and the scraper stand: remote (their process at the idle CPU priority, taking only what the service leaves, as on other machines; Linux) or local (competing with the service, as on its machine)")
	only := fs.String("case", "", "run only the cases whose name contains this")
	loads := fs.String("load", "", "the scheduler case's scenarios, as jobs/interval pairs: 1500/1s,100000/10m")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file (read it with go tool pprof)")
	traceFile := fs.String("trace", "", "write an execution trace of the whole run to this file (read it with go tool trace; keep --window short, a second of 1,500 runs is megabytes)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "jobbox bench: unexpected arguments %q\n", fs.Args())
		return exitUsage
	}
	switch *watchers {
	case "remote":
		o.IdleWatchers = true
	case "local":
	default:
		fmt.Fprintf(stderr, "jobbox bench: --watchers %q: want remote or local\n", *watchers)
		return exitUsage
	}
	if o.Settle > 0 && o.Settle >= o.Alternate {
		fmt.Fprintf(stderr, "jobbox bench: --settle %s needs --alternate with spells longer than that\n", o.Settle)
		return exitUsage
	}
	if o.Ghost && o.Subscribers == 0 {
		fmt.Fprintln(stderr, "jobbox bench: --ghost needs --subscribers: it changes what their clients read")
		return exitUsage
	}
	if *loads != "" {
		var err error
		if o.Loads, err = bench.ParseLoads(*loads); err != nil {
			fmt.Fprintf(stderr, "jobbox bench: --load: %v\n", err)
			return exitUsage
		}
	}
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintf(stderr, "jobbox bench: finding this program for the watcher process: %v\n", err)
		return exitFail
	}
	o.Watcher = []string{exe, "bench-watch"}
	if o.Runs < 3 {
		fmt.Fprintln(stderr, "jobbox bench: --runs must be at least 3")
		return exitUsage
	}
	fmt.Fprintf(stdout, "jobbox bench: %s/%s, %d CPUs, GOMAXPROCS %d, %s; medians of %d runs unless the row says otherwise\n\n",
		runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), o.Runs)
	cases := bench.Cases()
	if *only != "" {
		cases = nil
		for _, c := range bench.Cases() {
			if strings.Contains(c.Name, *only) {
				cases = append(cases, c)
			}
		}
	}
	for _, r := range []struct {
		flag, path string
		start      func(io.Writer) error
		stop       func()
	}{
		{"--cpuprofile", *cpuProfile, pprof.StartCPUProfile, pprof.StopCPUProfile},
		{"--trace", *traceFile, trace.Start, trace.Stop},
	} {
		if r.path == "" {
			continue
		}
		stop, err := record(r.path, r.start, r.stop)
		if err != nil {
			fmt.Fprintf(stderr, "jobbox bench: %s: %v\n", r.flag, err)
			return exitFail
		}
		defer stop()
	}
	if err := bench.RunCases(ctx, cases, o, stdout); err != nil {
		fmt.Fprintf(stderr, "jobbox bench: %v\n", err)
		return exitFail
	}
	return exitOK
}

// cmdBenchWatch is the watcher process jobbox bench starts for
// --subscribers and --scrape (bench.Watch): not a command for people.
func cmdBenchWatch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if err := bench.Watch(ctx, args, os.Stdin, stdout); err != nil {
		fmt.Fprintf(stderr, "jobbox bench-watch: %v\n", err)
		return exitFail
	}
	return exitOK
}

// record starts a recording of the process (a CPU profile, an execution
// trace) into path, until the returned stop is called.
func record(path string, start func(io.Writer) error, stop func()) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := start(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		stop()
		f.Close()
	}, nil
}
