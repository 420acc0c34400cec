package config

import (
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestGolden loads every testdata/*.toml and compares what comes out, the
// resolved config or the errors, with the .golden file beside it.
func TestGolden(t *testing.T) {
	t.Parallel()
	goldens(t, "testdata/*.toml", describe)
}

// goldens loads every file pattern matches and compares describe's text
// of what comes out with the .golden file beside it (-update rewrites it).
func goldens(t *testing.T, pattern string, describe func(*Config, error) string) {
	files, _ := filepath.Glob(pattern)
	if len(files) == 0 {
		t.Fatal("no testdata")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			t.Parallel()
			got := describe(Load(file))
			golden := strings.TrimSuffix(file, ".toml") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("%s:\n--- got\n%s--- want\n%s", file, got, want)
			}
		})
	}
}

func describe(c *Config, err error) string {
	if err != nil {
		return err.Error() + "\n"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "state_dir=%s timezone=%s log_level=%s grace=%s max_concurrent_runs=%d history=%d spread=%v\n",
		filepath.ToSlash(c.StateDir), c.Timezone.Location(), c.LogLevel, c.ShutdownGrace.Duration(), c.MaxConcurrentRuns, c.HistorySize, c.SpreadFirstRuns)
	fmt.Fprintf(&b, "limits: %+v\n", c.DefaultLimits())
	fmt.Fprintf(&b, "loading: job_dirs=%d max_lua_file=%d max_wasm_file=%d compile_timeout=%s compile_memory=%d\n",
		len(c.jobRoots().dirs), c.MaxLuaFile.Bytes(), c.MaxWasmFile.Bytes(), c.CompileTimeout.Duration(), c.CompileMemory.Bytes())
	for _, name := range slices.Sorted(maps.Keys(c.Databases)) {
		db := c.Databases[name]
		fmt.Fprintf(&b, "database %s: %+v (open %d, rows %d, timeout %s)\n", name, db, db.OpenLimit(), db.RowLimit(), db.CallTimeout())
	}
	smtp := c.SMTP
	smtp.CAFile = filepath.ToSlash(smtp.CAFile)
	fmt.Fprintf(&b, "smtp: %+v (timeout %s)\n", smtp, smtp.Timeout.Duration())
	network := c.Network
	network.CAFile = filepath.ToSlash(network.CAFile)
	fmt.Fprintf(&b, "network: %+v (timeout %s, %d bytes)\n", network, network.Timeout.Duration(), network.MaxResponseBytes.Bytes())
	fmt.Fprintf(&b, "data: %+v (%d bytes)\n", c.Data, c.Data.MaxDocumentBytes.Bytes())
	if c.Metrics != DefaultMetrics() {
		fmt.Fprintf(&b, "metrics: %+v\n", c.Metrics)
	}
	for _, j := range c.Jobs {
		root, _ := filepath.Rel(filepath.Dir(mustAbs(c.Path)), j.Root)
		fmt.Fprintf(&b, "job %s file=%s path=%s root=%s every=%s once=%v active=%v limits=%+v\n",
			j.Name, j.File, filepath.ToSlash(j.Path), filepath.ToSlash(root), j.Interval.Duration(), j.RunOnce, j.IsActive(), c.JobLimits(j))
		if g := j.Grants; len(g.MySQL)+len(g.Data)+len(g.Network)+len(g.NetworkCIDRs)+len(g.EmailFrom)+len(g.EmailTo) > 0 {
			origins, cidrs := g.ParsedNetwork()
			fmt.Fprintf(&b, "  grants: %+v\n  network: %+v %v\n", g, origins, cidrs)
		}
	}
	return b.String()
}

// TestValidateTwice checks that Validate only checks: a second call finds
// the same config and the same errors.
func TestValidateTwice(t *testing.T) {
	t.Parallel()
	forEachParsedGolden(t, func(t *testing.T, c *Config) {
		first := describe(c, c.Validate())
		if second := describe(c, c.Validate()); second != first {
			t.Fatalf("a second Validate changed the result:\n--- first\n%s--- second\n%s", first, second)
		}
	})
}

// forEachParsedGolden runs check, as a parallel subtest, on each golden
// file of testdata that parses.
func forEachParsedGolden(t *testing.T, check func(t *testing.T, c *Config)) {
	files, _ := filepath.Glob("testdata/*.toml")
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			c := DefaultConfig()
			if err := c.Parse(data, file); err != nil {
				return // nothing to validate
			}
			check(t, c)
		})
	}
}

// TestValidateOnlyReads checks that Validate writes nothing of the
// config, its module sections and grants included.
func TestValidateOnlyReads(t *testing.T) {
	t.Parallel()
	forEachParsedGolden(t, func(t *testing.T, c *Config) {
		before := deepCopy(c)
		_ = c.Validate()
		if after := deepCopy(c); !reflect.DeepEqual(before, after) {
			t.Fatalf("Validate changed the config:\n--- before\n%+v\n--- after\n%+v", before, after)
		}
	})
}

// deepCopy returns a copy of c that shares no slice or map with it.
func deepCopy(c *Config) Config {
	own := *c
	own.Databases = maps.Clone(c.Databases)
	own.Network.ConnectTo = maps.Clone(c.Network.ConnectTo)
	own.JobDirs = slices.Clone(c.JobDirs)
	own.Jobs = slices.Clone(c.Jobs)
	for i, j := range own.Jobs {
		g := &own.Jobs[i].Grants
		g.MySQL, g.Data, g.Network = slices.Clone(j.Grants.MySQL), slices.Clone(j.Grants.Data), slices.Clone(j.Grants.Network)
		g.NetworkCIDRs, g.EmailFrom, g.EmailTo = slices.Clone(j.Grants.NetworkCIDRs), slices.Clone(j.Grants.EmailFrom), slices.Clone(j.Grants.EmailTo)
	}
	return own
}

func TestDefaultsResolve(t *testing.T) {
	t.Parallel()
	c := DefaultConfig()
	c.Path, c.Dir = "config.toml", "."
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	d := c.DefaultLimits()
	if d.Timeout.String() != "30s" || d.Memory != 64<<20 || d.LogLines != 1000 || d.LogBytes != 64<<10 ||
		d.HostCalls != 100_000 || d.CallBytes != 1<<20 || d.RunBytes != 64<<20 {
		t.Fatalf("defaults resolved to %+v", d)
	}
}

// FuzzParse feeds arbitrary bytes to the parser and validator: they must
// return errors, never panic.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"valid", "semantic", "loading", "loading-bad", "unknown-key", "wrong-type", "syntax", "modules", "modules-bad", "bounds", "values"} {
		data, err := os.ReadFile(filepath.Join("testdata", name+".toml"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c := DefaultConfig()
		if err := c.Parse(data, "testdata/fuzz.toml"); err != nil {
			if !strings.HasPrefix(err.Error(), "testdata/fuzz.toml:") {
				t.Fatalf("error without a position: %v", err)
			}
			return
		}
		_ = c.Validate()
	})
}
