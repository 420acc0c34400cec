package config

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkParse measures decoding a config of 10,000 jobs, each with an
// interval and two limits: every typed value is decoded once, here.
func BenchmarkParse(b *testing.B) { benchmarkLoad(b, false) }

// BenchmarkLoad measures decoding and validating that config.
func BenchmarkLoad(b *testing.B) { benchmarkLoad(b, true) }

func benchmarkLoad(b *testing.B, validate bool) {
	var sb strings.Builder
	sb.WriteString("shutdown_grace = \"10s\"\n[limits]\ntimeout = 20\nmemory = \"32MiB\"\n")
	for i := range 10_000 {
		fmt.Fprintf(&sb, "[[jobs]]\nname = \"job%d\"\nfile = \"jobs/ok.lua\"\ninterval = \"%ds\"\n[jobs.limits]\ntimeout = 5\nmemory = \"16MiB\"\n", i, 60+i)
	}
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		c := DefaultConfig()
		if err := c.Parse(data, "testdata/bench.toml"); err != nil {
			b.Fatal(err)
		}
		if validate {
			if err := c.Validate(); err != nil {
				b.Fatal(err)
			}
		}
	}
}
