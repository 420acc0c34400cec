package modules

import (
	"context"
	"testing"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/config"
)

// BenchmarkModuleCall is the host's cost of one module call that does no
// I/O (core.network.encode): the lookup of the module, the grant check and
// the run's state, not the work of a method.
func BenchmarkModuleCall(b *testing.B) {
	cfg := config.DefaultConfig()
	cfg.Jobs = []config.Job{{Name: "job", File: "job.lua", Grants: config.Grants{Network: []string{"https://api.example.com"}}}}
	_ = cfg.Validate() // the job has no file or interval; only its grants matter
	h, err := New(cfg.Modules(), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer h.Close()
	r := h.ForJob("job", cfg.Jobs[0].Grants).Open()
	defer r.Close()
	args := []any{abi.Table{{Key: "q", Value: "a b"}}}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Call(ctx, "network", "encode", args); err != nil {
			b.Fatal(err)
		}
	}
}
