package tests

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/jobbox/jobbox/host/config"
	"github.com/jobbox/jobbox/host/sandbox/sandboxtest"
	"github.com/jobbox/jobbox/host/service"
)

// seededStart starts a service on the config at path after seeding its
// compilation cache from the shared test cache, so it does not compile the
// Lua guest again (sandboxtest.SeedCache).
func seededStart(t *testing.T, ctx context.Context, path string, opts service.Options) (*service.Service, error) {
	t.Helper()
	if cfg, err := config.Load(path); err == nil {
		sandboxtest.SeedCache(t, filepath.Join(cfg.StateDir, service.CacheDir))
	}
	return service.Start(ctx, path, opts)
}
