//go:build integration

package modules

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"testing"

	"github.com/jobbox/jobbox/host/config"
)

// benchDSN is the test server (.ci/mariadb) without a database.
func benchDSN() string {
	if dsn := os.Getenv("JOBBOX_TEST_MYSQL"); dsn != "" {
		return dsn
	}
	return "jobbox:jobbox@tcp(127.0.0.1:3307)/"
}

// BenchmarkMySQLRun is the cost of one run's session: a fresh connection,
// one query, and the connection discarded at the run's end.
func BenchmarkMySQLRun(b *testing.B) {
	admin, err := sql.Open("mysql", benchDSN())
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE DATABASE IF NOT EXISTS jobbox_bench"); err != nil {
		b.Skipf("no test server: %v", err)
	}
	cfg := config.DefaultConfig()
	toml := fmt.Sprintf("[databases.app]\ndsn = %q\nallow_broad_account = true\n", benchDSN()+"jobbox_bench")
	if err := cfg.Parse([]byte(toml), "config.toml"); err != nil {
		b.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		b.Fatal(err)
	}
	h, err := New(cfg.Modules(), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer h.Close()
	jm := h.ForJob("job", config.Grants{MySQL: []string{"app"}})
	ctx := context.Background()
	b.Run("fresh-session", func(b *testing.B) {
		for b.Loop() {
			r := jm.Open()
			if res, err := r.Call(ctx, "mysql", "query", []any{"app", "SELECT 1"}); err != nil || res[0] == nil {
				b.Fatal(res, err)
			}
			r.Close()
		}
	})
	b.Run("pooled-baseline", func(b *testing.B) {
		pool, _ := sql.Open("mysql", benchDSN()+"jobbox_bench")
		defer pool.Close()
		for b.Loop() {
			var n int
			if err := pool.QueryRowContext(ctx, "SELECT 1").Scan(&n); err != nil {
				b.Fatal(err)
			}
		}
	})
}
