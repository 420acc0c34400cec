package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
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
// part may be missing.
type watchSpec struct {
	Events  string
	Clients int
	Metrics string
	Every   time.Duration
}

func (s watchSpec) args() []string {
	return []string{"--events", s.Events, "--clients", strconv.Itoa(s.Clients), "--metrics", s.Metrics, "--every", s.Every.String()}
}

// watchResult is what a watcher process reports when told to stop: the
// run-end events each client read, and each scrape's duration.
type watchResult struct {
	Read    []int     `json:"read"`
	Scrapes []float64 `json:"scrapes_ms"`
	Error   string    `json:"error,omitempty"`
}

// Watch is the watcher process (`jobbox bench-watch`): it connects the
// clients args name, writes "ready" on stdout, reads and scrapes until
// stdin ends, waits for the streams to end, and writes its watchResult
// as one line of JSON. The bench ends the streams before it ends stdin.
func Watch(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	var s watchSpec
	fs := flag.NewFlagSet("jobbox bench-watch", flag.ContinueOnError)
	fs.StringVar(&s.Events, "events", "", "the URL of the event stream")
	fs.IntVar(&s.Clients, "clients", 0, "how many clients read it")
	fs.StringVar(&s.Metrics, "metrics", "", "the URL of the metrics")
	fs.DurationVar(&s.Every, "every", 0, "how often to scrape them")
	if err := fs.Parse(args); err != nil {
		return err
	}
	readers, err := startReaders(ctx, s.Events, s.Clients)
	if err != nil {
		return err
	}
	var sc *scrapeLoop
	if s.Metrics != "" && s.Every > 0 {
		sc = startScrapeLoop(s.Metrics, s.Every)
	}
	if _, err := io.WriteString(stdout, "ready\n"); err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, stdin)
	var res watchResult
	if sc != nil {
		res.Scrapes, err = sc.stop()
		if err != nil {
			res.Error = fmt.Sprintf("scraping %s: %v", s.Metrics, err)
		}
	}
	res.Read = readers.wait()
	return json.NewEncoder(stdout).Encode(res)
}

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
		resp, err := http.DefaultClient.Do(req)
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("GET %s: %s", url, resp.Status)
			resp.Body.Close()
		}
		if err != nil {
			return nil, err
		}
		r.wg.Go(func() {
			defer resp.Body.Close()
			for sc := bufio.NewScanner(resp.Body); sc.Scan(); {
				if bytes.Equal(sc.Bytes(), runEnd) {
					r.read[i]++
				}
			}
		})
	}
	return r, nil
}

var runEnd = []byte("event: run-end")

// wait returns the run-end events each client read, once every stream
// has ended.
func (r *readers) wait() []int {
	r.wg.Wait()
	return r.read
}

// scrapeLoop scrapes a metrics URL every period, as Prometheus would,
// timing each scrape.
type scrapeLoop struct {
	url    string
	quit   chan struct{}
	done   chan struct{}
	took   []float64 // ms, owned by the loop until done
	failed error
}

func startScrapeLoop(url string, period time.Duration) *scrapeLoop {
	sc := &scrapeLoop{url: url, quit: make(chan struct{}), done: make(chan struct{})}
	go sc.loop(period)
	return sc
}

func (sc *scrapeLoop) loop(period time.Duration) {
	defer close(sc.done)
	tick := time.NewTicker(period)
	defer tick.Stop()
	for {
		select {
		case <-sc.quit:
			return
		case <-tick.C:
		}
		start := time.Now()
		if err := scrape(sc.url); err != nil {
			sc.failed = errors.Join(sc.failed, err)
			return
		}
		sc.took = append(sc.took, ms(time.Since(start)))
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
