//go:build integration

package tests

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/jobbox/jobbox/host/api"
	"github.com/jobbox/jobbox/host/sandbox/sandboxtest"
	"github.com/jobbox/jobbox/host/service"
)

// dashboard is a real `jobbox serve` with an admin and a viewer, for the
// browser tests of the web pages.
type dashboard struct {
	url, dir string
}

const (
	adminPassword  = "correct horse battery staple"
	viewerPassword = "viewer password, long enough"
)

func startDashboard(t *testing.T) *dashboard {
	t.Helper()
	adminHash, err := api.HashPassword(adminPassword)
	if err != nil {
		t.Fatal(err)
	}
	viewerHash, _ := api.HashPassword(viewerPassword)
	return serveConfig(t, fmt.Sprintf(`include = ["conf.d/*.toml"]

[admin]
listen = "127.0.0.1:0"

[[admin.users]]
name = "ann"
role = "admin"
password_hash = %q

[[admin.users]]
name = "vic"
role = "viewer"
password_hash = %q

[[jobs]]
name = "hello"
file = "jobs/hello.lua"
interval = 3600
`, adminHash, viewerHash))
}

// serveConfig starts `jobbox serve` in a directory of its own with a
// jobs/ directory holding hello.lua, an empty conf.d/, and config.toml:
// state, zone and jobs directory, then rest.
func serveConfig(t *testing.T, rest string) *dashboard {
	t.Helper()
	d := &dashboard{dir: t.TempDir()}
	for _, sub := range []string{"jobs", "conf.d"} {
		if err := os.MkdirAll(filepath.Join(d.dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, filepath.Join(d.dir, "jobs", "hello.lua"), "local job = core.job()\nfunction job.run()\n  return job.OK\nend\nreturn job\n")
	writeFile(t, filepath.Join(d.dir, "config.toml"), "state_dir = \"state\"\ntimezone = \"UTC\"\njob_dirs = [\"jobs\"]\n"+rest)
	sandboxtest.SeedCache(t, filepath.Join(d.dir, "state", service.CacheDir))
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, jobboxBinary(t), "serve", "--config", "config.toml")
	cmd.Dir = d.dir
	logs, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = cmd.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	d.url = awaitListening(t, logs)
	return d
}

// awaitListening reads the service's log until it says where the admin API
// listens, and drains the rest in the background.
func awaitListening(t *testing.T, logs io.Reader) string {
	t.Helper()
	found := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`"url":"(http://127\.0\.0\.1:\d+)".*admin API listening`)
		sc := bufio.NewScanner(logs)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		close(found)
	}()
	select {
	case url, ok := <-found:
		if !ok {
			t.Fatal("jobbox serve ended before its admin API listened")
		}
		return url
	case <-time.After(2 * time.Minute): // a guard against hangs only
		t.Fatal("jobbox serve did not say where its admin API listens")
	}
	return ""
}

// chromium starts a headless browser of its own, at width CSS pixels, with
// any extra allocator options after the defaults.
func chromium(t *testing.T, width int64, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium is not installed (apt-get install chromium; .ci/run does it)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox)
	opts = append(opts, extra...)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900)); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// step runs browser actions, failing the test with what was being done.
func step(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// until waits for a JavaScript condition in the page; the time-out only
// guards against a hang.
func until(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	pollFor(t, ctx, what, expr, 2*time.Minute)
}

// pollFor waits for a JavaScript condition in the page for at most limit,
// which only guards against a hang.
func pollFor(t *testing.T, ctx context.Context, what, expr string, limit time.Duration) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(limit))); err != nil {
		t.Fatalf("waiting until %s (%s): %v", what, expr, err)
	}
}

// shots saves the page as it looks 1280 and 390 pixels wide.
func shots(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	step(t, ctx, "narrowing the window", chromedp.EmulateViewport(390, 900))
	shot(t, ctx, name+"-390")
	step(t, ctx, "widening the window", chromedp.EmulateViewport(1280, 900))
	shot(t, ctx, name+"-1280")
}

func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	dir := os.Getenv("JOBBOX_ARTEFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func login(t *testing.T, ctx context.Context, d *dashboard, user, password string) {
	t.Helper()
	step(t, ctx, "logging in as "+user,
		chromedp.Navigate(d.url+"/jobs"),
		chromedp.WaitVisible(chromedp.CSS("#login-form")),
		chromedp.SendKeys(chromedp.CSS("#l-user"), user),
		chromedp.SendKeys(chromedp.CSS("#l-password"), password),
		chromedp.Click(chromedp.CSS("#login-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#jobs")))
}

// TestDashboardInChromium walks the seed guide's Jobs section in a real
// browser against a real `jobbox serve`: create a job through the form,
// write its code, watch it run live, break it, reactivate and reload it,
// run it now, delete it; then a viewer finds no edit controls and a forged
// change refused.
func TestDashboardInChromium(t *testing.T) {
	t.Parallel()
	d := startDashboard(t)
	ctx := chromium(t, 1280)
	login(t, ctx, d, "ann", adminPassword)
	shots(t, ctx, "dashboard-list")

	// New Job: an invalid interval is refused at its field.
	step(t, ctx, "opening the new job form",
		chromedp.Click(chromedp.CSS(`a[href="/jobs/new"]`)),
		chromedp.WaitVisible(chromedp.CSS("#job-form")),
		chromedp.SendKeys(chromedp.CSS("#f-name"), "e2e"),
		chromedp.SendKeys(chromedp.CSS("#f-file"), "jobs/e2e.lua"),
		chromedp.SetValue(chromedp.CSS("#f-interval"), "soon"),
		chromedp.Click(chromedp.CSS("#job-form button[type=submit]")))
	until(t, ctx, "the interval is refused at its field", `document.querySelector("#p-interval").textContent.length > 0`)
	shots(t, ctx, "dashboard-form-invalid")

	// Create leads to the editor with the job template.
	step(t, ctx, "creating the job",
		chromedp.SetValue(chromedp.CSS("#f-interval"), "1"),
		chromedp.Click(chromedp.CSS("#job-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#editor")))
	until(t, ctx, "the editor holds the template", `document.querySelector("#editor textarea").value.includes("core.job()")`)

	// Save code that logs; see the job run and its row change live.
	setCode(t, ctx, "local job = core.job()\nfunction job.run()\n  core.log(\"e2e ran\")\n  return job.OK\nend\nreturn job\n")
	until(t, ctx, "the code is saved", `document.querySelector("#editor-status").textContent.startsWith("Saved")`)
	step(t, ctx, "opening the list", chromedp.Navigate(d.url+"/jobs"), chromedp.WaitVisible(chromedp.CSS(`tr[data-job="e2e"]`)))
	until(t, ctx, "the list is live", `document.querySelector("#live").dataset.live === "on"`)
	until(t, ctx, "the e2e row shows runs without a page load",
		`Number(document.querySelector('tr[data-job="e2e"] [data-col="runs"]').textContent) > 0`)

	// Code that fails deactivates the job, with its error in the details.
	step(t, ctx, "opening the editor", chromedp.Navigate(d.url+"/jobs/e2e/code"), chromedp.WaitVisible(chromedp.CSS("#editor")))
	until(t, ctx, "the editor loaded", `document.querySelector("#editor textarea").value.includes("e2e ran")`)
	setCode(t, ctx, "local job = core.job()\nfunction job.run()\n  error(\"e2e broke\")\nend\nreturn job\n")
	until(t, ctx, "the failing code is saved", `document.querySelector("#editor-status").textContent.startsWith("Saved")`)
	step(t, ctx, "opening the details", chromedp.Navigate(d.url+"/jobs/e2e"), chromedp.WaitVisible(chromedp.CSS("#runs")))
	until(t, ctx, "the error shows in the details", `document.querySelector("#last-error").textContent.includes("e2e broke")`)
	until(t, ctx, "the deactivated-by-error icon shows", `document.querySelector("main h1 .tone-bad") !== null`)
	shots(t, ctx, "dashboard-details")

	// A syntax error is refused, marked at its line.
	step(t, ctx, "opening the editor again", chromedp.Navigate(d.url+"/jobs/e2e/code"), chromedp.WaitVisible(chromedp.CSS("#editor")))
	until(t, ctx, "the editor loaded", `document.querySelector("#editor textarea").value.includes("e2e broke")`)
	setCode(t, ctx, "local job = core.job()\nfunction job.run(\n  return job.OK\nend\nreturn job\n")
	until(t, ctx, "the problem is marked at its line", `document.querySelector("#editor .gutter .bad") !== null`)
	shots(t, ctx, "dashboard-editor-problem")
	setCode(t, ctx, "local job = core.job()\nfunction job.run()\n  return job.OK\nend\nreturn job\n")
	until(t, ctx, "the mended code is saved", `document.querySelector("#editor-status").textContent.startsWith("Saved")`)

	reactivateAndReload(t, ctx, d)
	runNowAndDelete(t, ctx, d)
}

// reactivateAndReload activates the deactivated job and reloads, watching
// the service's status go Reloading, then Running.
func reactivateAndReload(t *testing.T, ctx context.Context, d *dashboard) {
	t.Helper()
	step(t, ctx, "opening the details", chromedp.Navigate(d.url+"/jobs/e2e"), chromedp.WaitVisible(chromedp.CSS(`button[data-action="activate"]`)))
	watch := `window.statuses = []; new MutationObserver(() => window.statuses.push(document.querySelector("#service-status").textContent))
		.observe(document.querySelector("header.top"), {subtree: true, childList: true, characterData: true, attributes: true}); true`
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](watch)); err != nil {
		t.Fatal(err)
	}
	step(t, ctx, "activating", chromedp.Click(chromedp.CSS(`button[data-action="activate"]`)))
	until(t, ctx, "the activation is done", `document.querySelector("#action-result").textContent.includes("activate")`)
	step(t, ctx, "reloading", chromedp.Click(chromedp.CSS("#reload")))
	until(t, ctx, "the status went Reloading, then Running",
		`window.statuses.indexOf("Reloading") >= 0 && window.statuses.lastIndexOf("Running") > window.statuses.indexOf("Reloading")`)
	until(t, ctx, "the job runs again", `document.querySelector("main h1 .tone-ok") !== null`)
}

// runNowAndDelete asks for a run now, finds it in the history as a manual
// run by the admin, and deletes the job through its confirmation.
func runNowAndDelete(t *testing.T, ctx context.Context, d *dashboard) {
	t.Helper()
	step(t, ctx, "running now", chromedp.Click(chromedp.CSS(`button[data-action="run-now"]`)))
	until(t, ctx, "the manual run is in the history", `document.querySelector("#runs").textContent.includes("manual by ann")`)
	step(t, ctx, "deleting",
		chromedp.Click(chromedp.CSS(`button[data-action="delete"]`)),
		chromedp.WaitVisible(chromedp.CSS("#confirm-delete")))
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#confirm-delete p")))
	if err != nil || !strings.Contains(text, "e2e") || !strings.Contains(text, "cannot be undone") {
		t.Errorf("the delete confirmation says %q (%v); it must name the job and say it cannot be undone", text, err)
	}
	step(t, ctx, "confirming the delete",
		chromedp.Click(chromedp.CSS(`#confirm-delete button[value="delete"]`)),
		chromedp.WaitVisible(chromedp.CSS("#jobs")))
	until(t, ctx, "the job is gone from the list", `document.querySelector('tr[data-job="e2e"]') === null`)
}

// setCode replaces the editor's text and saves it.
func setCode(t *testing.T, ctx context.Context, code string) {
	t.Helper()
	step(t, ctx, "saving code",
		chromedp.SetValue(chromedp.CSS("#editor textarea"), code),
		chromedp.Click(chromedp.CSS("#save-code")))
}

// TestDashboardViewerHasNoEditControls: a viewer sees the pages without a
// control that changes anything, and the server refuses a change the
// viewer forges anyway.
func TestDashboardViewerHasNoEditControls(t *testing.T) {
	t.Parallel()
	d := startDashboard(t)
	ctx := chromium(t, 390)
	login(t, ctx, d, "vic", viewerPassword)
	for _, page := range []string{"/jobs", "/jobs/hello", "/jobs/hello/code"} {
		step(t, ctx, "opening "+page, chromedp.Navigate(d.url+page), chromedp.WaitVisible(chromedp.CSS("main")))
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('[data-action], #reload, #save-code, #try-run, a[href="/jobs/new"], a[href$="/edit"]').length`))
		if err != nil || n != 0 {
			t.Errorf("%s shows a viewer %d edit controls (%v)", page, n, err)
		}
	}
	shot(t, ctx, "dashboard-viewer-390")
	status, err := chromedp.Run(ctx, chromedp.Evaluate[int](
		`fetch("/v1/jobs/hello/deactivate", {method: "POST"}).then(r => r.status)`, chromedp.EvalAwaitPromise))
	if err != nil || status != http.StatusForbidden {
		t.Errorf("a viewer's forged POST answered %d (%v), want 403", status, err)
	}
	req, _ := http.NewRequest("POST", d.url+"/v1/reload", strings.NewReader(""))
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("a cross-origin POST answered %d, want 403", res.StatusCode)
	}
}
