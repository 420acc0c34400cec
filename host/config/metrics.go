package config

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
)

// Metrics is the [metrics] table: a listener of its own for Prometheus's
// scrapes of /metrics. It asks for no login, so it listens on loopback
// only; a scraper elsewhere goes through the admin API with a token.
type Metrics struct {
	// Listen is the host:port serving /metrics, e.g. "127.0.0.1:9610";
	// empty (the default) serves none. Read at the start only.
	Listen string `toml:"listen"`
	// MaxJobLabels is how many jobs, the first in config order, get
	// series of their own; the others share the job label "_other", so an
	// operator's job names cannot grow the series without bound.
	MaxJobLabels int `toml:"max_job_labels"`
}

// Bounds of [metrics] max_job_labels: each labelled job has up to seven
// series, so the default keeps a scrape under ten thousand of them.
const (
	defaultMaxJobLabels = 1000
	maxMaxJobLabels     = 100_000
)

// DefaultMetrics returns the [metrics] settings a config file overrides.
func DefaultMetrics() Metrics { return Metrics{MaxJobLabels: defaultMaxJobLabels} }

// validateMetrics checks [metrics].
func (c *Config) validateMetrics(fail failFunc) {
	m := c.Metrics
	if m.MaxJobLabels < 0 || m.MaxJobLabels > maxMaxJobLabels {
		fail("metrics.max_job_labels", "metrics.max_job_labels must be from 0 to %d, not %d", maxMaxJobLabels, m.MaxJobLabels)
	}
	if m.Listen == "" {
		return
	}
	if err := loopbackAddress(m.Listen); err != nil {
		fail("metrics.listen", "metrics.listen %q %v", m.Listen, err)
	}
}

// loopbackAddress checks that addr is host:port with a loopback host.
func loopbackAddress(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("must be host:port, e.g. \"127.0.0.1:9610\": %v", unwrapAddrError(err))
	}
	if n, err := strconv.ParseUint(port, 10, 16); err != nil || (n == 0 && port != "0") {
		return fmt.Errorf("has port %q; want a number from 1 to 65535", port)
	}
	if ip, err := netip.ParseAddr(host); (err == nil && ip.IsLoopback()) || host == "localhost" {
		return nil
	}
	return fmt.Errorf("must be a loopback address (127.0.0.1, [::1] or localhost): /metrics there needs no login. To scrape from another host, use the admin API's /metrics with a viewer token")
}

func unwrapAddrError(err error) string {
	if ae, ok := err.(*net.AddrError); ok {
		return ae.Err
	}
	return err.Error()
}
