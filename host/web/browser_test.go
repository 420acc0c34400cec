package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// browser starts headless Chromium (Debian's chromium) for one test, at a
// window width in CSS pixels.
func browser(t *testing.T, width int) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed (apt-get install chromium; .ci/run does it)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.WindowSize(width, 900),
		chromedp.Flag("disable-gpu", true))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	ctx, cancel = context.WithTimeout(ctx, 2*time.Minute) // a guard against hangs only
	t.Cleanup(cancel)
	return ctx
}

// artefact is where a test saves a screenshot: $JOBBOX_ARTEFACTS when set
// (CI keeps it), else the test's temporary directory.
func artefact(t *testing.T, name string) string {
	dir := os.Getenv("JOBBOX_ARTEFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, name)
}

// TestPagesInChromium renders the list and a job's page at a desktop and a
// phone width in a real browser and keeps screenshots of them.
func TestPagesInChromium(t *testing.T) {
	t.Parallel()
	srv := serve(t, fleet(40), "admin", fakeAPI())
	for _, width := range []int{1280, 390} {
		ctx := browser(t, width)
		for _, page := range []struct{ path, wait, name string }{
			{"/jobs", "#jobs tbody tr", "jobs"},
			{"/jobs/job-00003", "#last-error", "job"},
			{"/jobs/job-00003/code", "#editor", "editor"},
		} {
			err := chromedp.Do(ctx,
				chromedp.EmulateViewport(int64(width), 900),
				chromedp.Navigate(srv.URL+page.path),
				chromedp.WaitVisible(chromedp.CSS(page.wait)))
			var shot []byte
			if err == nil {
				shot, err = chromedp.Run(ctx, chromedp.FullScreenshot(100))
			}
			if err != nil {
				t.Fatalf("%s at %dpx: %v", page.path, width, err)
			}
			file := artefact(t, page.name+"-"+itoa(width)+".png")
			if err := os.WriteFile(file, shot, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestDarkPagesInChromium renders the list and a job's page with
// prefers-color-scheme: dark, as a browser in dark mode asks for them.
func TestDarkPagesInChromium(t *testing.T) {
	t.Parallel()
	srv := serve(t, fleet(40), "admin", fakeAPI())
	ctx := browser(t, 1280)
	dark := emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, dark); err != nil {
		t.Fatal(err)
	}
	for _, page := range []struct{ path, wait, name string }{
		{"/jobs", "#jobs tbody tr", "jobs-dark"},
		{"/jobs/job-00003/code", "#editor", "editor-dark"},
	} {
		err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+page.path), chromedp.WaitVisible(chromedp.CSS(page.wait)))
		var shot []byte
		if err == nil {
			shot, err = chromedp.Run(ctx, chromedp.FullScreenshot(100))
		}
		if err != nil {
			t.Fatalf("%s: %v", page.path, err)
		}
		bg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.body).backgroundColor`))
		if err != nil || bg != "rgb(17, 21, 28)" {
			t.Errorf("%s in dark mode has background %q (%v), want the dark theme's rgb(17, 21, 28)", page.path, bg, err)
		}
		if err := os.WriteFile(artefact(t, page.name+".png"), shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// fakeAPI answers the admin API calls the pages' scripts make on load, so
// the screenshots show the pages as a user sees them.
func fakeAPI() map[string]http.HandlerFunc {
	return map[string]http.HandlerFunc{
		"GET /v1/jobs/{name}/code": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("ETag", `"1"`)
			_ = json.NewEncoder(w).Encode(map[string]string{"code": "local job = core.job()\n\n-- runs every interval\nfunction job.run()\n  local n = 42\n  core.log(\"hello \" .. n)\n  return job.OK\nend\n\nreturn job\n"})
		},
	}
}
