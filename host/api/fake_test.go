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
		f.runs = append(f.runs, Run{Start: start.Add(-time.Duration(i) * time.Minute), Status: "OK"})
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
func (f *fakeService) Runs(_ context.Context, name string) ([]Run, error) { return f.runs, nil }
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
