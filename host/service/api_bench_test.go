package service

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/jobbox/jobbox/host/api"
	"github.com/jobbox/jobbox/host/api/apitest"
	"github.com/jobbox/jobbox/host/clock"
	"github.com/jobbox/jobbox/host/config"
	"github.com/jobbox/jobbox/host/domain"
	"github.com/jobbox/jobbox/host/sched"
	"github.com/jobbox/jobbox/host/sched/schedtest"
	"github.com/jobbox/jobbox/host/store"
)

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
	sc := sched.New(sched.Options{Clock: clk, Runner: schedtest.NopRunner{}, Store: st})
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
	apitest.BenchGets(b, srv.Handler(), tok, "/v1/jobs", "/v1/jobs?after=job-050000", "/v1/jobs?state=deactivated&after=job-050000",
		"/v1/jobs?name=job-0999", "/v1/jobs/job-054321")
}
