package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// watchSpec is what a watcher process watches: Clients readers of the
// event stream at Events, and a scrape of Metrics every Every. Either
// part may be missing. Idle runs the process at the idle CPU priority
// (Options.IdleWatchers). With Alternate, it watches only in alternate
// spells of that length (the Alternation from From), scraping first
// Settle into each (Options.Settle).
type watchSpec struct {
	Events    string
	Clients   int
	Metrics   string
	Every     time.Duration
	Alternate time.Duration
	From      time.Time
	Settle    time.Duration
	Ghost     float64 // runs a second of ghost streams (Options.Ghost), or 0
	Idle      bool
}

func (s watchSpec) args() []string {
	return []string{"--events", s.Events, "--clients", strconv.Itoa(s.Clients), "--metrics", s.Metrics, "--every", s.Every.String(),
		"--alternate", s.Alternate.String(), "--from", strconv.FormatInt(s.From.UnixNano(), 10), "--settle", s.Settle.String(), "--ghost", strconv.FormatFloat(s.Ghost, 'g', -1, 64), "--idle=" + strconv.FormatBool(s.Idle)}
}

func (s watchSpec) alternation() alternation { return alternation{from: s.From, length: s.Alternate} }

// watchResult is what a watcher process reports when told to stop: the
// run-end events each client read, and each scrape's duration.
type watchResult struct {
	Read    []int     `json:"read"`
	Scrapes []float64 `json:"scrapes_ms"`
	Error   string    `json:"error,omitempty"`
	CPU     float64   `json:"cpu_ms"` // the watcher process's, all told
}

// Watch is the watcher process (`jobbox bench-watch`): it connects the
// clients args name, writes "ready" on stdout, reads and scrapes until
// stdin ends, waits for the streams to end, and writes its watchResult
// as one line of JSON. The bench ends the streams before it ends stdin.
// With --alternate it connects and disconnects them by the spells of
// the alternation, and is ready at once.
func Watch(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	s, err := parseWatchSpec(args)
	if err != nil {
		return err
	}
	if s.Idle {
		if err := idleCPU(); err != nil {
			return fmt.Errorf("moving the watcher process to the idle CPU priority: %w", err)
		}
	}
	if s.Ghost > 0 && s.Clients > 0 {
		url, stop, err := ghostStreams(s.Ghost)
		if err != nil {
			return err
		}
		defer stop()
		s.Events = url
	}
	ended := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, stdin)
		close(ended)
	}()
	var res watchResult
	if s.Alternate > 0 {
		if _, err := io.WriteString(stdout, "ready\n"); err != nil {
			return err
		}
		res, err = watchInSpells(ctx, s, ended)
	} else {
		res, err = watchThroughout(ctx, s, stdout, ended)
	}
	if err != nil {
		return err
	}
	res.CPU = ms(cpuTime())
	return json.NewEncoder(stdout).Encode(res)
}

func parseWatchSpec(args []string) (watchSpec, error) {
	var s watchSpec
	var from int64
	fs := flag.NewFlagSet("jobbox bench-watch", flag.ContinueOnError)
	fs.StringVar(&s.Events, "events", "", "the URL of the event stream")
	fs.IntVar(&s.Clients, "clients", 0, "how many clients read it")
	fs.StringVar(&s.Metrics, "metrics", "", "the URL of the metrics")
	fs.DurationVar(&s.Every, "every", 0, "how often to scrape them")
	fs.DurationVar(&s.Alternate, "alternate", 0, "watch only in alternate spells this long")
	fs.Int64Var(&from, "from", 0, "when the first spell of watching begins (Unix ns)")
	fs.DurationVar(&s.Settle, "settle", 0, "with --alternate, how long into a spell its first scrape waits")
	fs.Float64Var(&s.Ghost, "ghost", 0, "serve the clients ghost streams of this many runs a second instead")
	fs.BoolVar(&s.Idle, "idle", false, "run at the idle CPU priority")
	err := fs.Parse(args)
	s.From = time.Unix(0, from)
	return s, err
}

// watchThroughout watches from now until the streams end after ended.
func watchThroughout(ctx context.Context, s watchSpec, stdout io.Writer, ended <-chan struct{}) (watchResult, error) {
	w, err := startSpell(ctx, s, 0)
	if err != nil {
		return watchResult{}, err
	}
	if _, err := io.WriteString(stdout, "ready\n"); err != nil {
		return watchResult{}, err
	}
	<-ended
	var res watchResult
	w.stop(&res, s.Ghost > 0) // the service ends only its own streams
	return res, nil
}

// watchInSpells watches in the alternation's watched spells until ended.
func watchInSpells(ctx context.Context, s watchSpec, ended <-chan struct{}) (watchResult, error) {
	res := watchResult{Read: make([]int, s.Clients)}
	alt := s.alternation()
	for {
		on, off := alt.nextSpell(time.Now())
		if !sleepUntil(on, ended) {
			return res, nil
		}
		w, err := startSpell(ctx, s, s.Settle)
		if err != nil {
			return res, err
		}
		done := !sleepUntil(off, ended)
		w.stop(&res, true)
		if done {
			return res, nil
		}
	}
}

// sleepUntil waits until t; false if ended closes first.
func sleepUntil(t time.Time, ended <-chan struct{}) bool {
	timer := time.NewTimer(time.Until(t))
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ended:
		return false
	}
}

// spell is one spell of watching: the clients reading and the scrapes.
type spell struct {
	readers *readers
	scrapes *scrapeLoop
	cancel  context.CancelFunc
	url     string
}

// startSpell connects the clients and starts the scrapes, the first
// after wait.
func startSpell(ctx context.Context, s watchSpec, wait time.Duration) (*spell, error) {
	ctx, cancel := context.WithCancel(ctx)
	r, err := startReaders(ctx, s.Events, s.Clients)
	if err != nil {
		cancel()
		return nil, err
	}
	w := &spell{readers: r, cancel: cancel, url: s.Metrics}
	if s.Metrics != "" && s.Every > 0 {
		w.scrapes = startScrapeLoop(s.Metrics, s.Every, wait)
	}
	return w, nil
}

// stop ends the scrapes and, with cut, the streams, or else waits for
// the service to end them; it adds what was read and scraped to res.
func (w *spell) stop(res *watchResult, cut bool) {
	defer w.cancel()
	if w.scrapes != nil {
		took, err := w.scrapes.stop()
		res.Scrapes = append(res.Scrapes, took...)
		if err != nil && res.Error == "" {
			res.Error = fmt.Sprintf("scraping %s: %v", w.url, err)
		}
	}
	if cut {
		w.cancel()
	}
	read := w.readers.wait()
	if res.Read == nil {
		res.Read = make([]int, len(read))
	}
	for i, n := range read {
		res.Read[i] += n
	}
}

// streamClient reads event streams with buffers the size of a stream's
// writes, so a write is a read or two, not a dozen.
var streamClient = &http.Client{Transport: &http.Transport{ReadBufferSize: 64 << 10}}

// readers are the event stream's clients, each counting the run-end
// events it reads until its stream ends.
type readers struct {
	wg   sync.WaitGroup
	read []int
}

func startReaders(ctx context.Context, url string, n int) (*readers, error) {
	r := &readers{read: make([]int, n)}
	for i := range n {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return nil, err
		}
		resp, err := streamClient.Do(req)
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("GET %s: %s", url, resp.Status)
			resp.Body.Close()
		}
		if err != nil {
			return nil, err
		}
		r.wg.Go(func() {
			defer resp.Body.Close()
			r.read[i] = countRunEnds(resp.Body)
		})
	}
	return r, nil
}

// countRunEnds reads a stream to its end and counts its run-end events,
// in large reads, as a browser's parser takes what arrived: the clients
// share the machine with the service they watch.
func countRunEnds(body io.Reader) int {
	buf := make([]byte, 64<<10)
	n, kept := 0, 0 // kept: bytes of a line split between two reads
	for {
		got, err := body.Read(buf[kept:])
		data := buf[:kept+got]
		n += bytes.Count(data, runEnd)
		// A frame's line may end in the next read: keep its start.
		kept = min(len(data), len(runEnd)-1)
		copy(buf, data[len(data)-kept:])
		if err != nil {
			return n
		}
	}
}

var runEnd = []byte("\nevent: run-end\n")

// wait returns the run-end events each client read, once every stream
// has ended.
func (r *readers) wait() []int {
	r.wg.Wait()
	return r.read
}

// scrapeLoop scrapes a metrics URL after a wait and then every period, as
// Prometheus would, timing each scrape.
type scrapeLoop struct {
	url    string
	quit   chan struct{}
	done   chan struct{}
	took   []float64 // ms, owned by the loop until done
	failed error
}

func startScrapeLoop(url string, period, wait time.Duration) *scrapeLoop {
	sc := &scrapeLoop{url: url, quit: make(chan struct{}), done: make(chan struct{})}
	go sc.loop(period, wait)
	return sc
}

func (sc *scrapeLoop) loop(period, wait time.Duration) {
	defer close(sc.done)
	select {
	case <-sc.quit:
		return
	case <-time.After(wait):
	}
	tick := time.NewTicker(period)
	defer tick.Stop()
	for {
		took, err := timed(func() error { return scrape(sc.url) })
		if err != nil {
			sc.failed = err
			return
		}
		sc.took = append(sc.took, took)
		select {
		case <-sc.quit:
			return
		case <-tick.C:
		}
	}
}

// stop ends the loop and returns each scrape's duration, in ms.
func (sc *scrapeLoop) stop() ([]float64, error) {
	close(sc.quit)
	<-sc.done
	return sc.took, sc.failed
}

// scrape reads url whole, gzip-compressed as Prometheus asks for it (Go's
// transport asks and decompresses).
func scrape(url string) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}
