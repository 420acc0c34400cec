package api

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// fakeService is a Service of n jobs named job-000000 on.
type fakeService struct {
	mu      sync.Mutex
	names   []string
	jobs    map[string]Job
	runs    []Run
	reloads int
	active  map[string]bool
	events  chan Event // nil: a subscription ends at once
}

func newFakeService(n int) *fakeService {
	f := &fakeService{jobs: map[string]Job{}, active: map[string]bool{}}
	for i := range n {
		name := fmt.Sprintf("job-%06d", i)
		state := "scheduled"
		if i%10 == 0 {
			state = "deactivated"
		}
		f.names = append(f.names, name)
		f.jobs[name] = Job{Name: name, File: "jobs/" + name + ".lua", IntervalS: 60, State: state}
	}
	slices.Sort(f.names)
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 50 {
		f.runs = append(f.runs, Run{ID: uint64(50 - i), Start: start.Add(-time.Duration(i) * time.Minute), Status: "OK", Trigger: "schedule"})
	}
	return f
}

func (f *fakeService) Status() Status {
	return Status{Status: "running", Version: "test", ABIVersion: "1.2", Config: "/etc/jobbox/config.toml", Jobs: len(f.names)}
}
func (f *fakeService) Ready() error       { return nil }
func (f *fakeService) JobNames() []string { return f.names }
func (f *fakeService) Job(name string) (Job, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	j, ok := f.jobs[name]
	return j, ok
}
func (f *fakeService) JobConfig(name string) (*JobConfig, bool) {
	if _, ok := f.Job(name); !ok {
		return nil, false
	}
	return &JobConfig{Active: true, Limits: map[string]any{"timeout_s": 30}}, true
}

// Runs pages f.runs, whose IDs count down from 50.
func (f *fakeService) Runs(_ context.Context, name string, p Page) (RunPage, error) {
	i := 0
	if p.Before != 0 {
		i = min(len(f.runs), 50-int(p.Before)+1)
	}
	end := min(i+p.Limit, len(f.runs))
	page := RunPage{Runs: f.runs[i:end]}
	if end < len(f.runs) {
		page.Next = f.runs[end-1].ID
	}
	return page, nil
}

func (f *fakeService) RunNow(_ context.Context, name string) (ManualRun, error) {
	if _, ok := f.Job(name); !ok {
		return ManualRun{}, &Error{Status: 404, Field: "name", Err: fmt.Errorf("no job named %q is configured", name)}
	}
	if f.jobs[name].State == "deactivated" {
		return ManualRun{}, &Error{Status: 409, Err: fmt.Errorf("job %q is deactivated", name)}
	}
	return ManualRun{Job: name, Actor: "someone"}, nil
}

func (f *fakeService) Audit(context.Context, Page) (AuditPage, error) {
	return AuditPage{Entries: []AuditEntry{{ID: 1, Actor: "ann", Action: "reload"}}}, nil
}

// Subscribe feeds f.events, or ends at once when it is nil.
func (f *fakeService) Subscribe() Subscription { return fakeSub{f.events} }

type fakeSub struct{ c chan Event }

func (s fakeSub) Next(ctx context.Context) (Event, error) {
	if s.c == nil {
		return Event{}, errors.New("the service is stopping")
	}
	select {
	case e := <-s.c:
		return e, nil
	case <-ctx.Done():
		return Event{}, ctx.Err()
	}
}
func (s fakeSub) Ready(dst []Event, max int) []Event {
	for len(dst) < max {
		select {
		case e := <-s.c:
			dst = append(dst, e)
		default:
			return dst
		}
	}
	return dst
}
func (fakeSub) Since() uint64 { return 6 }
func (fakeSub) Close()        {}
func (f *fakeService) SetActive(_ context.Context, name string, active bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.active[name] = active
	return nil
}
func (f *fakeService) Reload(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reloads++
	if f.reloads > 1 {
		return errors.New("config.toml:3:1: a test error")
	}
	return nil
}
