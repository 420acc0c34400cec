package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMaxRunsInFlight(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		toml   string
		errHas string
	}{
		{"", ""},
		{"max_concurrent_runs = 4\nmax_runs_in_flight = 4\n", ""},
		{"max_concurrent_runs = 4\nmax_runs_in_flight = 3\n", "max_runs_in_flight must be 0 (4 × max_concurrent_runs) or between max_concurrent_runs (4) and 1048576, not 3"},
		{"max_runs_in_flight = 2000000\n", "not 2000000"},
	} {
		path := filepath.Join(t.TempDir(), "config.toml")
		if err := os.WriteFile(path, []byte(tc.toml), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Load(path)
		if (err == nil) != (tc.errHas == "") || (err != nil && !strings.Contains(err.Error(), tc.errHas)) {
			t.Errorf("%q: error %v, want one containing %q", tc.toml, err, tc.errHas)
		}
	}
}
