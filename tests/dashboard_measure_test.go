//go:build integration

package tests

// Measurements of the dashboard for issue 15, not tests: they run only
// with JOBBOX_MEASURE=1 (CI leaves it unset) and print their figures with
// t.Log, for BENCHMARKS.md. Run them one at a time on a quiet machine:
//
//	JOBBOX_MEASURE=1 go test -count=1 -tags integration ./tests/ -run TestMeasureLiveRowLatency -v
//	JOBBOX_MEASURE=1 go test -count=1 -tags integration ./tests/ -run TestMeasureListAt10k -v
//
// JOBBOX_MEASURE_SAME_TAB=1 loads the list in one tab instead of a fresh
// tab per load, which shows the stall BENCHMARKS.md (session 7) describes;
// JOBBOX_MEASURE_NO_BFCACHE=1 turns Chromium's back/forward cache off.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/jobbox/jobbox/host/api"
)

func needMeasure(t *testing.T) {
	t.Helper()
	if os.Getenv("JOBBOX_MEASURE") != "1" {
		t.Skip("a measurement, not a test: set JOBBOX_MEASURE=1 to run it")
	}
}

// startServeWith is startDashboard with an admin only and the given jobs
// appended to the config.
func startServeWith(t *testing.T, jobs string) *dashboard {
	t.Helper()
	hash, err := api.HashPassword(adminPassword)
	if err != nil {
		t.Fatal(err)
	}
	return serveConfig(t, fmt.Sprintf(`
[admin]
listen = "127.0.0.1:0"

[[admin.users]]
name = "ann"
role = "admin"
password_hash = %q
%s`, hash, jobs))
}

func evalJSON(t *testing.T, ctx context.Context, expr string, into any) {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string]("JSON.stringify("+expr+")"))
	if err != nil {
		t.Fatalf("evaluating %s: %v", expr, err)
	}
	if err := json.Unmarshal([]byte(s), into); err != nil {
		t.Fatalf("decoding %s: %v", expr, err)
	}
}

// quantile is the nearest-rank quantile q of sorted xs.
func quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	i := int(q*float64(len(xs))+0.999999) - 1
	return xs[max(0, min(i, len(xs)-1))]
}

func summary(xs []float64) string {
	s := slices.Clone(xs)
	slices.Sort(s)
	return fmt.Sprintf("n=%d median %.2f ms, p99 %.2f ms, min %.2f, max %.2f", len(s), quantile(s, 0.5), quantile(s, 0.99), s[0], s[len(s)-1])
}

// recorder watches the tick row's runs cell and the page's own copy of the
// event stream, stamping both with the wall clock (performance.timeOrigin
// + performance.now(), sub-millisecond, the same clock as the service's on
// this machine). The DOM time is taken in the MutationObserver, right
// after the page's script replaced the table; paint is the next animation
// frame after it.
const recorder = `(() => {
  const m = window.__m = {ends: [], changes: []};
  const now = () => performance.timeOrigin + performance.now();
  const cell = () => document.querySelector('tr[data-job="tick"] [data-col="runs"]')?.textContent;
  const es = new EventSource("/v1/events");
  es.addEventListener("run-end", (e) => {
    const d = JSON.parse(e.data);
    if (d.job === "tick") m.ends.push({end: d.time, recv: now()});
  });
  let last = cell();
  new MutationObserver(() => {
    const v = cell();
    if (v === last) return;
    last = v;
    const c = {v: Number(v), dom: now(), paint: 0};
    m.changes.push(c);
    requestAnimationFrame(() => { c.paint = now(); });
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
  return true;
})()`

type runEnd struct {
	End  time.Time `json:"end"`
	Recv float64   `json:"recv"`
}

type rowChange struct {
	V     int     `json:"v"`
	DOM   float64 `json:"dom"`
	Paint float64 `json:"paint"`
}

// TestMeasureLiveRowLatency: a job runs every second with the list open;
// for each run, the time from its end (the run-end event's time, taken
// by the service when the run ended) to the first change of its row's
// runs cell after it.
func TestMeasureLiveRowLatency(t *testing.T) {
	needMeasure(t)
	const runs = 100
	d := startServeWith(t, "\n[[jobs]]\nname = \"tick\"\nfile = \"jobs/hello.lua\"\ninterval = 1\n")
	ctx := chromium(t, 1280)
	login(t, ctx, d, "ann", adminPassword)
	step(t, ctx, "opening the list", chromedp.Navigate(d.url+"/jobs"), chromedp.WaitVisible(chromedp.CSS(`tr[data-job="tick"]`)))
	until(t, ctx, "the list is live", `document.querySelector("#live").dataset.live === "on"`)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](recorder)); err != nil {
		t.Fatal(err)
	}
	// One run more than measured, and a second for the last row update.
	pollFor(t, ctx, "enough runs ended", fmt.Sprintf("window.__m.ends.length >= %d", runs+2), 10*time.Minute)
	var ends []runEnd
	var changes []rowChange
	evalJSON(t, ctx, "window.__m.ends", &ends)
	evalJSON(t, ctx, "window.__m.changes", &changes)
	// The first end may predate the recorder's stream; skip it.
	var toDOM, toPaint, toEvent []float64
	for _, e := range ends[1 : runs+1] {
		end := float64(e.End.UnixNano()) / 1e6
		toEvent = append(toEvent, e.Recv-end)
		for _, c := range changes {
			if c.DOM >= end {
				toDOM = append(toDOM, c.DOM-end)
				toPaint = append(toPaint, c.Paint-end)
				break
			}
		}
	}
	if len(toDOM) != runs {
		t.Fatalf("%d of %d runs were followed by a row change (%d changes)", len(toDOM), runs, len(changes))
	}
	t.Logf("run end to the event in the page:      %s", summary(toEvent))
	t.Logf("run end to the row's runs cell changed: %s", summary(toDOM))
	t.Logf("run end to the next frame after it:     %s", summary(toPaint))
	t.Logf("row changes seen: %d for %d run ends", len(changes), len(ends))
}

// TestMeasureListAt10k: 10,000 configured jobs (none due for a day); the
// server time of GET /jobs (its first page of 100) with a session cookie,
// and first paint and first contentful paint of the page in Chromium;
// the same, alternated in the same run, for the list filtered to one job.
func TestMeasureListAt10k(t *testing.T) {
	needMeasure(t)
	const jobs, requests, loads = 10000, 50, 10
	var cfg strings.Builder
	for i := range jobs {
		fmt.Fprintf(&cfg, "\n[[jobs]]\nname = \"job-%05d\"\nfile = \"jobs/hello.lua\"\ninterval = 86400\n", i)
	}
	d := startServeWith(t, cfg.String())
	cookie := loginCookie(t, d)
	pages := []struct{ path, last string }{
		{"/jobs", "job-00099"},
		{"/jobs?name=job-04242", "job-04242"},
	}
	server := make([][]float64, len(pages))
	for i := range requests + 1 {
		for j, pg := range pages {
			took, size := getPage(t, d.url+pg.path, cookie, pg.last)
			if i == 0 {
				t.Logf("GET %s: %d bytes", pg.path, size)
				continue // the first request warms the server's caches
			}
			server[j] = append(server[j], took)
		}
	}
	for j, pg := range pages {
		t.Logf("server, GET %s at %d jobs, request to last byte: %s", pg.path, jobs, summary(server[j]))
	}

	var without []chromedp.ExecAllocatorOption
	if os.Getenv("JOBBOX_MEASURE_NO_BFCACHE") == "1" {
		// The back-forward cache off, for telling whether it causes a delay.
		without = append(without, chromedp.Flag("disable-features", "Translate,BlinkGenPropertyTrees,BackForwardCache"))
	}
	ctx := chromium(t, 1280, without...)
	login(t, ctx, d, "ann", adminPassword)
	sameTab := os.Getenv("JOBBOX_MEASURE_SAME_TAB") == "1"
	fp, fcp, resp := make([][]float64, len(pages)), make([][]float64, len(pages)), make([][]float64, len(pages))
	for i := range loads + 1 {
		for j, pg := range pages {
			p := loadTimes(t, ctx, d.url+pg.path, pg.last, sameTab)
			t.Logf("load %d of %s: first paint %.1f ms, first contentful paint %.1f ms, request to response end %.1f ms, request start %.1f ms",
				i, pg.path, p.FP, p.FCP, p.Resp, p.Start)
			if i == 0 {
				continue // the browser's first load warms its caches
			}
			fp[j], fcp[j], resp[j] = append(fp[j], p.FP), append(fcp[j], p.FCP), append(resp[j], p.Resp)
		}
	}
	for j, pg := range pages {
		t.Logf("Chromium, %s, navigation request to response end: %s", pg.path, summary(resp[j]))
		t.Logf("Chromium, %s, first paint:                         %s", pg.path, summary(fp[j]))
		t.Logf("Chromium, %s, first contentful paint:              %s", pg.path, summary(fcp[j]))
	}
}

// getPage times one GET of a dashboard page, from the request to its last
// byte, in milliseconds.
func getPage(t *testing.T, url string, cookie *http.Cookie, want string) (float64, int) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.AddCookie(cookie)
	start := time.Now()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	took := time.Since(start)
	if err != nil || res.StatusCode != http.StatusOK || !strings.Contains(string(body), `data-job="`+want+`"`) {
		t.Fatalf("GET %s answered %d (%v)", url, res.StatusCode, err)
	}
	return float64(took.Microseconds()) / 1e3, len(body)
}

type paintTimes struct{ FP, FCP, Resp, Start float64 }

// loadTimes loads url in a fresh tab, or (sameTab) in the browser's first
// tab after about:blank, and reads the page's paint and navigation timing.
// A fresh tab by default: see BENCHMARKS.md (session 7) for why loads in
// one tab stall.
func loadTimes(t *testing.T, ctx context.Context, url, last string, sameTab bool) paintTimes {
	t.Helper()
	tab := ctx
	if !sameTab {
		var closeTab context.CancelFunc
		tab, closeTab = chromedp.NewContext(ctx)
		defer closeTab()
	}
	step(t, tab, "loading "+url, chromedp.Navigate("about:blank"), chromedp.Navigate(url),
		chromedp.WaitVisible(chromedp.CSS(`tr[data-job="`+last+`"]`)))
	pollFor(t, tab, "the paint entries", `performance.getEntriesByType("paint").length >= 2`, 2*time.Minute)
	var p paintTimes
	evalJSON(t, tab, `(() => {
		const e = Object.fromEntries(performance.getEntriesByType("paint").map((x) => [x.name, x.startTime]));
		const n = performance.getEntriesByType("navigation")[0];
		return {FP: e["first-paint"], FCP: e["first-contentful-paint"], Resp: n.responseEnd - n.requestStart, Start: n.requestStart};
	})()`, &p)
	return p
}

// loginCookie logs the admin in through the API and returns the session.
func loginCookie(t *testing.T, d *dashboard) *http.Cookie {
	t.Helper()
	body := fmt.Sprintf(`{"user":"ann","password":%q}`, adminPassword)
	res, err := http.Post(d.url+"/v1/login", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	for _, c := range res.Cookies() {
		if c.Name == api.SessionCookie {
			return c
		}
	}
	t.Fatalf("logging in answered %d without a session cookie", res.StatusCode)
	return nil
}
