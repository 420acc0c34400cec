package modules

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/config"
)

// TestMySQLTargets: a database name or a connection table reaches only an
// entry granted to the job; anything else is Coronium's nil, err, 901 for
// the job to handle, read before any connection (the server is down here).
func TestMySQLTargets(t *testing.T) {
	t.Parallel()
	cfg := "[databases.app]\ndsn = \"u:p@tcp(db.example:3307)/shop\"\ntimeout = \"5s\"\n[databases.other]\ndsn = \"u:p@tcp(127.0.0.1:1)/other\"\n"
	r := testRun(t, cfg, config.Grants{MySQL: []string{"app", "mysql://db2.example:3310/crm"}})
	m := r.host.modules[abi.FuncMySQL].(*mysqlModule)
	for _, c := range []struct {
		name   string
		target any
		entry  string
		wait   time.Duration
	}{
		{"an entry by name", "app", "app", 5 * time.Second},
		{"a connection table naming the entry", tbl("database", "app"), "app", 5 * time.Second},
		{"a connection table naming the entry's database", tbl("database", "shop", "timeout", int64(1500)), "app", 1500 * time.Millisecond},
		{"the entry's own host, port and account", tbl("database", "shop", "host", "DB.example", "port", int64(3307), "user", "u", "password", "p"), "app", 5 * time.Second},
		{"a timeout longer than the entry's", tbl("database", "app", "timeout", int64(60000)), "app", 5 * time.Second},
		{"a remote database granted", tbl("database", "crm", "host", "DB2.example", "port", int64(3310), "user", "me", "password", "pw", "timeout", int64(3000)),
			"mysql://me@db2.example:3310/crm", 3 * time.Second},
		{"a remote database without an account", tbl("database", "crm", "host", "db2.example", "port", int64(3310)), "", 0},
		{"a remote database on another port", tbl("database", "crm", "host", "db2.example", "user", "me"), "", 0},
		{"a remote grant as a name", "mysql://db2.example:3310/crm", "", 0},
		{"an entry not granted", "other", "", 0},
		{"a database nobody configured", "clients", "", 0},
		{"another host", tbl("database", "shop", "host", "my.sql.host"), "", 0},
		{"the default port, which is not the entry's", tbl("database", "shop", "host", "db.example"), "", 0},
		{"another user", tbl("database", "shop", "user", "root"), "", 0},
		{"another password", tbl("database", "shop", "password", "guess"), "", 0},
	} {
		got, failed := m.target(r, c.target)
		if c.entry == "" {
			if len(failed) != 3 || failed[2] != codeUnauthorized || !strings.HasPrefix(fmt.Sprint(failed[1]), "Unauthorized database") {
				t.Errorf("%s: %v %v; want nil, Unauthorized database, 901", c.name, got, failed)
			}
			continue
		}
		if failed != nil || got.name != c.entry || got.timeout != c.wait {
			t.Errorf("%s: %+v %v; want %s within %v", c.name, got, failed, c.entry, c.wait)
		}
	}
	res, err := r.Call(context.Background(), "mysql", "select", []any{"other", tbl("tbl", "x")})
	if err != nil || len(res) != 3 || res[2] != codeUnauthorized {
		t.Errorf("select on an ungranted database: %v %v; want nil, err, 901", res, err)
	}
	if _, err := r.Call(context.Background(), "mysql", "selectAll", []any{"app"}); err == nil || !strings.Contains(err.Error(), `no method "selectAll"`) {
		t.Errorf("an unknown method: %v", err)
	}
	res, err = r.Call(context.Background(), "mysql", "selectMerge", []any{[]any{tbl("db", "other", "tbl", "x", "key", "k"), "junk"}})
	if err != nil || fmt.Sprint(res) != "[[{errors [[{db other} {error Unauthorized database: core.mysql database \"other\" is not granted to job job; grant it in config.toml (grants = { mysql = [\"other\"] })} {index 1} {status 901}] [{db <nil>} {error item 2 must be a select table, not string} {index 2} {status 0}]]}]]" {
		t.Errorf("selectMerge's errors: %v %v", res, err)
	}
}
