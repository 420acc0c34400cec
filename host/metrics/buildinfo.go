package metrics

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/jobbox/jobbox/abi"
)

// buildInfo is jobbox_build_info: 1, labelled with what was built.
func buildInfo() prometheus.Collector {
	version, revision := "unknown", "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		version = bi.Main.Version
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				revision = s.Value
			}
		}
	}
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "jobbox_build_info",
		Help: "Always 1; its labels say which jobbox runs: its version, VCS revision, Go version and the guest ABI version it speaks.",
		ConstLabels: prometheus.Labels{
			"version":     version,
			"revision":    revision,
			"goversion":   runtime.Version(),
			"abi_version": fmt.Sprintf("%d.%d", abi.VersionMajor, abi.VersionMinor),
		},
	})
	g.Set(1)
	return g
}
