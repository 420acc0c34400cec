package metrics

import (
	"compress/gzip"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/prometheus/common/expfmt"
)

// maxScrapesInFlight bounds concurrent scrapes: a scrape of 100,000 jobs
// takes a while, a few at once are plenty, and more must not pile up.
const maxScrapesInFlight = 4

// textFormat is what every scrape is answered in: Prometheus's text format
// 0.0.4, which every scraper accepts (Prometheus lists it in its Accept
// header whatever else it prefers).
var textFormat = expfmt.NewFormat(expfmt.TypeTextPlain)

// texts keeps scrape buffers between scrapes: a scrape of 1,000 labelled
// jobs is about half a megabyte of text.
var texts = sync.Pool{New: func() any { return new(textWriter) }}

// ServeHTTP answers a scrape: the registry's families (histograms, module
// and store counters, the Go runtime's and the process's), encoded by
// client_golang's expfmt, then the families it renders itself (see
// rendered.go), gzip-compressed when the scraper accepts it.
func (m *Metrics) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	select {
	case m.inflight <- struct{}{}:
		defer func() { <-m.inflight }()
	default:
		http.Error(w, "too many scrapes at once; try again shortly", http.StatusServiceUnavailable)
		return
	}
	text := texts.Get().(*textWriter)
	defer texts.Put(text)
	text.b = text.b[:0]
	if err := m.encodeRegistry(text); err != nil {
		http.Error(w, "encoding the metrics: "+err.Error(), http.StatusInternalServerError)
		return
	}
	m.render(text)

	w.Header().Set("Content-Type", string(textFormat))
	if !acceptsGzip(r.Header.Get("Accept-Encoding")) {
		_, _ = w.Write(text.b)
		return
	}
	w.Header().Set("Content-Encoding", "gzip")
	gz := gzips.Get().(*gzip.Writer)
	defer gzips.Put(gz)
	gz.Reset(w)
	// In chunks, yielding between them, for the reason of yieldEvery.
	for b := text.b; len(b) > 0; {
		n := min(len(b), gzipChunk)
		if _, err := gz.Write(b[:n]); err != nil {
			return
		}
		if b = b[n:]; len(b) > 0 {
			runtime.Gosched()
		}
	}
	_ = gz.Close()
}

// gzipChunk is how much text a scrape compresses between two yields.
const gzipChunk = 64 << 10

// encodeRegistry writes the registry's families. A collector's error
// leaves out its samples (as promhttp's ContinueOnError does); only a
// failure to encode fails the scrape.
func (m *Metrics) encodeRegistry(text *textWriter) error {
	fams, _ := m.reg.Gather()
	enc := expfmt.NewEncoder(text, textFormat)
	for _, f := range fams {
		if err := enc.Encode(f); err != nil {
			return err
		}
	}
	return nil
}

// gzips keeps compressors between scrapes. BestSpeed: the text repeats
// itself, so the fastest level still shrinks it about tenfold, and a
// scrape's CPU is taken from the runs.
var gzips = sync.Pool{New: func() any {
	gz, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return gz
}}

// acceptsGzip reports whether an Accept-Encoding header accepts gzip: it
// names gzip (or *) without q=0.
func acceptsGzip(header string) bool {
	for part := range strings.SplitSeq(header, ",") {
		coding, params, _ := strings.Cut(part, ";")
		if c := strings.TrimSpace(coding); c != "gzip" && c != "*" {
			continue
		}
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if q, err := strconv.ParseFloat(v, 64); err == nil && q == 0 {
				continue
			}
		}
		return true
	}
	return false
}
