package modules

import (
	"context"
	"strings"
	"testing"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/config"
)

func testConfig(t *testing.T, toml string) *config.Config {
	t.Helper()
	cfg := config.DefaultConfig()
	if err := cfg.Parse([]byte(toml), "config.toml"); err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestPoolsLiveAsLongAsTheirUsers: a reload that keeps a database keeps its
// pool; one that changes it opens another, and the old one closes when the
// last of its users (the old host, a run) lets go, in either order.
func TestPoolsLiveAsLongAsTheirUsers(t *testing.T) {
	t.Parallel()
	// Nothing listens on port 1: the pools never connect.
	v1 := testConfig(t, "[databases.app]\ndsn = \"u:p@tcp(127.0.0.1:1)/app\"\n")
	v2 := testConfig(t, "[databases.app]\ndsn = \"u:p@tcp(127.0.0.1:1)/app\"\nmax_open = 3\n")
	h1, err := New(v1.Modules(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(h1.Warnings()) != 1 || !strings.Contains(h1.Warnings()[0], "could not be checked now") {
		t.Errorf("warnings %q, want one that the account could not be checked", h1.Warnings())
	}
	same, err := h1.Reloaded(v1.Modules())
	if err != nil {
		t.Fatal(err)
	}
	if databasesOf(same)["app"] != databasesOf(h1)["app"] || h1.shared.pools.open() != 1 {
		t.Fatalf("a reload that kept the database opened another pool (%d open)", h1.shared.pools.open())
	}
	// A run of h1's jobs holds the pool it uses, as session does.
	held, _, err := h1.shared.pools.acquire("app", v1.Databases["app"])
	if err != nil {
		t.Fatal(err)
	}
	changed, err := same.Reloaded(v2.Modules())
	if err != nil {
		t.Fatal(err)
	}
	h1.Close()
	same.Close()
	if n := h1.shared.pools.open(); n != 2 {
		t.Fatalf("%d pools open while a run holds the old one, want 2", n)
	}
	if err := held.pool.Ping(); err == nil || strings.Contains(err.Error(), "database is closed") {
		t.Fatalf("the old pool closed under its run: %v", err)
	}
	h1.shared.pools.release(held)
	if n := h1.shared.pools.open(); n != 1 {
		t.Fatalf("%d pools open after the last run let go, want 1", n)
	}
	if err := held.pool.Ping(); err == nil || !strings.Contains(err.Error(), "database is closed") {
		t.Errorf("the old pool is still open after its last user: %v", err)
	}
	// A run of the old jobs that starts only now gets a live pool.
	late, _, err := h1.shared.pools.acquire("app", v1.Databases["app"])
	if err != nil {
		t.Fatal(err)
	}
	if err := late.pool.Ping(); err == nil || strings.Contains(err.Error(), "database is closed") {
		t.Fatalf("a late run of the old config got a pool that answers %v", err)
	}
	h1.shared.pools.release(late)
	changed.Close()
	if n := h1.shared.pools.open(); n != 0 {
		t.Errorf("%d pools open after every user let go", n)
	}
}

func TestDatabaseEntriesNameADatabase(t *testing.T) {
	t.Parallel()
	for toml, want := range map[string]string{
		"[databases.app]\ndsn = \"u:p@tcp(127.0.0.1:1)/\"\n":                             "names no database",
		"[databases.app]\nhost = \"127.0.0.1\"\nport = 1\n":                              "names no database",
		"[databases.app]\ndsn = \"u:p@tcp(127.0.0.1:1)/mysql\"\n":                        "system schema",
		"[databases.app]\ndsn = \"u:p@tcp(127.0.0.1:1)/\"\nallow_broad_account = true\n": "",
	} {
		h, err := New(testConfig(t, toml).Modules(), nil)
		if err == nil {
			h.Close()
		}
		if (want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", toml, err, want)
		}
		if want == "" && (len(h.Warnings()) != 1 || !strings.Contains(h.Warnings()[0], "allow_broad_account is set")) {
			t.Errorf("%q: warnings %q", toml, h.Warnings())
		}
	}
}

// TestPoolsUnderConcurrentReloads: runs acquire and release pools while
// hosts are reloaded back and forth; no run ever holds a closed pool, and
// every pool closes once all let go. Run it with -race.
func TestPoolsUnderConcurrentReloads(t *testing.T) {
	t.Parallel()
	configs := []*config.Config{
		testConfig(t, "[databases.app]\ndsn = \"u:p@tcp(127.0.0.1:1)/app\"\n"),
		testConfig(t, "[databases.app]\ndsn = \"u:p@tcp(127.0.0.1:1)/app\"\nmax_open = 2\n"),
	}
	h, err := New(configs[0].Modules(), nil)
	if err != nil {
		t.Fatal(err)
	}
	p := h.shared.pools
	done := make(chan error)
	for g := range 8 {
		go func() {
			var err error
			for i := range 200 {
				c := configs[(g+i)%2]
				db, _, aerr := p.acquire("app", c.Databases["app"])
				if aerr != nil {
					err = aerr
					break
				}
				if perr := db.pool.PingContext(context.Background()); perr != nil && strings.Contains(perr.Error(), "database is closed") {
					err = perr
				}
				_ = p.release(db)
			}
			done <- err
		}()
	}
	for i := range 50 {
		next, err := h.Reloaded(configs[i%2].Modules())
		if err != nil {
			t.Fatal(err)
		}
		h.Close()
		h = next
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Errorf("a run: %v", err)
		}
	}
	h.Close()
	if n := p.open(); n != 0 {
		t.Errorf("%d pools open after every user let go", n)
	}
}

// databasesOf is the host's own references on its pools.
func databasesOf(h *Host) map[string]*database {
	return h.modules[abi.FuncMySQL].(*mysqlModule).databases
}
