// Package mock has a web.Backend whose methods are func fields, for tests
// of the pages without a service.
package mock

import (
	"context"

	"github.com/jobbox/jobbox/host/web"
)

var _ web.Backend = (*Backend)(nil)

// Backend calls its func fields; a nil field answers the zero value.
type Backend struct {
	StatusFunc func(ctx context.Context) (web.Status, error)
	JobsFunc   func(ctx context.Context, f web.JobFilter) (web.JobPage, error)
	JobFunc    func(ctx context.Context, name string) (web.JobDetail, error)
	RunsFunc   func(ctx context.Context, name string, p web.Page) (web.RunPage, error)
	AuditFunc  func(ctx context.Context, p web.Page) (web.AuditPage, error)
}

func (b *Backend) Status(ctx context.Context) (web.Status, error) {
	if b.StatusFunc == nil {
		return web.Status{State: "running"}, nil
	}
	return b.StatusFunc(ctx)
}

func (b *Backend) Jobs(ctx context.Context, f web.JobFilter) (web.JobPage, error) {
	if b.JobsFunc == nil {
		return web.JobPage{}, nil
	}
	return b.JobsFunc(ctx, f)
}

func (b *Backend) Job(ctx context.Context, name string) (web.JobDetail, error) {
	if b.JobFunc == nil {
		return web.JobDetail{}, web.ErrNotFound
	}
	return b.JobFunc(ctx, name)
}

func (b *Backend) Runs(ctx context.Context, name string, p web.Page) (web.RunPage, error) {
	if b.RunsFunc == nil {
		return web.RunPage{}, nil
	}
	return b.RunsFunc(ctx, name, p)
}

func (b *Backend) Audit(ctx context.Context, p web.Page) (web.AuditPage, error) {
	if b.AuditFunc == nil {
		return web.AuditPage{}, nil
	}
	return b.AuditFunc(ctx, p)
}
