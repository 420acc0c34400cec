package service

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/jobbox/jobbox/host/api"
	"github.com/jobbox/jobbox/host/clock"
	"github.com/jobbox/jobbox/host/config"
	"github.com/jobbox/jobbox/host/domain"
	"github.com/jobbox/jobbox/host/sched"
	"github.com/jobbox/jobbox/host/store"
)

type idleRunner struct{}

func (idleRunner) Run(context.Context, domain.Job) domain.Outcome { return domain.Outcome{} }

// BenchmarkAPIJobsAt100k measures the admin API's jobs list page and one
// job's page on the real scheduler with 100,000 configured jobs, through
// the authenticating handler, and reports p50 and p99 per request.
func BenchmarkAPIJobsAt100k(b *testing.B) {
	const n = 100_000
	ctx := context.Background()
	st, err := store.Open(filepath.Join(b.TempDir(), "jobbox.db"), store.OpenOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	clk := clock.NewFake(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	cfg := config.DefaultConfig()
	specs := make([]sched.Spec, n)
	for i := range n {
		name := fmt.Sprintf("job-%06d", i)
		cfg.Jobs = append(cfg.Jobs, config.Job{Name: name, File: name + ".lua", Interval: config.Seconds(3600)})
		specs[i] = sched.Spec{Job: domain.Job{Name: name, File: name + ".lua"}, Interval: time.Hour, Active: i%10 != 0}
	}
	sc := sched.New(sched.Options{Clock: clk, Runner: idleRunner{}, Store: st})
	if err := sc.Start(ctx, specs); err != nil {
		b.Fatal(err)
	}
	defer sc.Stop(ctx)
	s := &Service{opts: Options{Clock: clk}, sched: sc, store: st, cfg: cfg}
	a := &apiService{s: s}
	a.jobs.Store(newJobIndex(cfg))
	srv := api.New(api.Options{Service: a, Clock: clk})
	tok, hash := api.NewToken()
	srv.SetCredentials(nil, []api.Token{{Name: "b", Role: api.Viewer, Hash: hash}})
	handler := srv.Handler()
	for _, path := range []string{"/v1/jobs", "/v1/jobs?after=job-050000", "/v1/jobs?state=deactivated&after=job-050000",
		"/v1/jobs?name=job-0999", "/v1/jobs/job-054321"} {
		b.Run(path, func(b *testing.B) {
			req := httptest.NewRequest("GET", path, nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			var took []time.Duration
			for b.Loop() {
				start := time.Now()
				w := httptest.NewRecorder()
				handler.ServeHTTP(w, req)
				took = append(took, time.Since(start))
				if w.Code != http.StatusOK {
					b.Fatalf("%s: %d %s", path, w.Code, w.Body)
				}
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(took[len(took)*99/100].Microseconds()), "p99-µs")
		})
	}
}
