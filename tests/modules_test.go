//go:build integration

package tests

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/clock"
	"github.com/jobbox/jobbox/host/sched"
	"github.com/jobbox/jobbox/host/service"
	"github.com/jobbox/jobbox/host/store"
	"github.com/jobbox/jobbox/tests/internal/services"
)

// janSunday is a Sunday in January: sleep.lua updates on Sundays, stop.lua
// mails in January.
const janSunday = "2027-01-03T10:00:00Z"

// world is the real servers the seed examples talk to, and a config that
// grants each example what it uses.
type world struct {
	dir      string
	config   string
	products *sql.DB
	shop     *sql.DB
	smtp     *services.SMTP
}

// worldConfig grants each seed example what it uses. Its verbs: the
// products and shop DSNs, the [smtp] and [network] tables (relaysTOML),
// the jobs directory.
const worldConfig = `state_dir = "state"
timezone = "UTC"
job_dirs = [".", "%[4]s"]

[databases.products]
dsn = %[1]q
[databases.shop]
dsn = %[2]q

%[3]s
[[jobs]]
name = "template"
file = "%[4]s/template.lua"
interval = 60

[[jobs]]
name = "helper-example"
file = "%[4]s/helper-example.lua"
interval = 60

[[jobs]]
name = "recurring"
file = "%[4]s/recurring.lua"
interval = 60
grants = { mysql = ["products"] }

[[jobs]]
name = "sleep"
file = "%[4]s/sleep.lua"
interval = 60
grants = { mysql = ["shop"] }

[[jobs]]
name = "stop"
file = "%[4]s/stop.lua"
interval = 60
grants = { mysql = ["shop"], email_from = ["job@work.com"], email_to = ["work.com"] }

[[jobs]]
name = "exit"
file = "%[4]s/exit.lua"
interval = 60
grants = { mysql = ["products"] }

[[jobs]]
name = "run-once"
file = "%[4]s/run-once.lua"
interval = 60
run_once = true
grants = { network = ["https://some.json-config.com"], network_cidrs = ["127.0.0.1/32"], data = ["config"] }
`

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{dir: t.TempDir()}
	var productsDB, shopDB string
	productsDB, w.products = services.Database(t,
		"CREATE TABLE toys (id INT AUTO_INCREMENT PRIMARY KEY, type VARCHAR(64), stock INT, out_of_stock BOOL NOT NULL DEFAULT FALSE)",
		"INSERT INTO toys (type, stock) VALUES ('Red Bikes', 0), ('Blue Bikes', 4), ('Kites', 9)")
	shopDB, w.shop = services.Database(t,
		"CREATE TABLE status (id INT AUTO_INCREMENT PRIMARY KEY, month CHAR(3), sales_total DECIMAL(10,2), no_specials BOOL NOT NULL)",
		"INSERT INTO status (month, sales_total, no_specials) VALUES ('Jan', 1234.50, FALSE), ('Feb', 99.00, FALSE), ('Mar', 5.00, TRUE)")
	ca := services.NewCA(t, w.dir)
	w.smtp = services.StartSMTP(t, ca, w.dir)
	config := services.HTTPS(t, ca, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "application/json")
		fmt.Fprint(rw, `{"greeting": "hello", "retries": 3, "hosts": ["a", "b"]}`)
	}), "some.json-config.com")

	jobs, err := filepath.Abs(filepath.Join("..", "jobs"))
	if err != nil {
		t.Fatal(err)
	}
	productsDSN, _ := services.Account(t, productsDB)
	shopDSN, _ := services.Account(t, shopDB)
	w.config = filepath.Join(w.dir, "config.toml")
	writeFile(t, w.config, fmt.Sprintf(worldConfig, productsDSN, shopDSN,
		relaysTOML(t, w.smtp, ca.PEMFile, "some.json-config.com:443", config.Listener.Addr().String()), jobs))
	return w
}

// check verifies what the examples did to the servers and the store.
func (w *world) check(t *testing.T, docs store.Documents) {
	t.Helper()
	// recurring: Red Bikes are out of stock, but the update's where is
	// { id = bikes.id } with id never selected: an empty where, refused.
	var changed int
	if err := w.products.QueryRow("SELECT COUNT(*) FROM toys WHERE out_of_stock").Scan(&changed); err != nil || changed != 0 {
		t.Errorf("recurring: %d toys marked out of stock (%v); the empty where must change nothing", changed, err)
	}
	// sleep on a Sunday: every status row with no_specials = false is set.
	var left int
	if err := w.shop.QueryRow("SELECT COUNT(*) FROM status WHERE NOT no_specials").Scan(&left); err != nil || left != 0 {
		t.Errorf("sleep: %d rows still without no_specials (%v)", left, err)
	}
	// stop in January: one message to the boss with January's sales.
	msgs := w.smtp.Messages(t)
	if len(msgs) != 1 {
		t.Fatalf("stop: the SMTP server received %d messages, want 1", len(msgs))
	}
	for _, want := range []string{"From: job@work.com", "To: boss@work.com", "Subject: January Daily", "Sales today were: $1234.5"} {
		if !strings.Contains(msgs[0], want) {
			t.Errorf("stop: the message lacks %q:\n%s", want, msgs[0])
		}
	}
	// run-once: the JSON config fetched over HTTPS, saved in core.data.
	var saved []any
	err := docs.ScanDocuments(context.Background(), "config", false, func(_ string, doc []byte) bool {
		v, err := abi.Decode(doc)
		if err != nil {
			t.Error(err)
		}
		saved = append(saved, v)
		return true
	})
	if err != nil || len(saved) != 1 {
		t.Fatalf("run-once: %d documents in collection config (%v), want 1", len(saved), err)
	}
	doc := saved[0].(abi.Table)
	if doc.Get("greeting") != "hello" || doc.Get("retries") != int64(3) || doc.String("_id") == "" {
		t.Errorf("run-once: saved %v", doc)
	}
}

var wantStatus = map[string]string{
	"template": "OK", "helper-example": "SLEEP", "recurring": "OK", "sleep": "SLEEP",
	"stop": "SLEEP", "exit": "EXIT", "run-once": "OK",
}

// TestSeedExamplesUnderJobboxRun runs every seed example, unmodified, with
// the jobbox command against real MariaDB, SMTP and HTTPS servers.
func TestSeedExamplesUnderJobboxRun(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	bin := jobboxBinary(t)
	for _, name := range []string{"template", "helper-example", "recurring", "sleep", "stop", "exit", "run-once"} {
		cmd := exec.Command(bin, "run", "--config", w.config, "--json", "--at", janSunday, filepath.Join("..", "jobs", name+".lua"))
		out, _ := cmd.Output()
		var res struct{ Status, Error string }
		if err := json.Unmarshal(out, &res); err != nil {
			t.Fatalf("%s: %v: %s", name, err, out)
		}
		if res.Status != wantStatus[name] {
			t.Errorf("%s: %s %q, want %s", name, res.Status, res.Error, wantStatus[name])
		}
	}
	st, err := store.OpenBolt(filepath.Join(w.dir, "state", service.StoreFile))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	w.check(t, st)
}

// TestSeedExamplesUnderService runs the same examples on the service's
// schedule, with a fake clock set to a Sunday in January.
func TestSeedExamplesUnderService(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	at, _ := time.Parse(time.RFC3339, janSunday)
	clk := clock.NewFake(at)
	reports := make(chan sched.Report, 100)
	svc, err := seededStart(t, context.Background(), w.config, service.Options{Clock: clk, OnReport: func(r sched.Report) { reports <- r }})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Stop(context.Background())
	got := map[string]sched.Report{}
	clk.Advance(60 * time.Second) // every job's first run is one interval after the start
	timeout := time.After(60 * time.Second)
	for len(got) < len(wantStatus) {
		select {
		case r := <-reports:
			got[r.Job] = r
		case <-timeout:
			t.Fatalf("after 60s, %d of %d jobs ran: %v", len(got), len(wantStatus), got)
		}
	}
	for name, want := range wantStatus {
		if r := got[name]; r.Outcome.Status.String() != want {
			t.Errorf("%s: %s %q, want %s", name, r.Outcome.Status, r.Outcome.Error, want)
		}
	}
	w.check(t, svc.Store().(store.Documents))
}

// TestModulesRefuseWhatIsNotGranted: a job with no grants gets a clear
// "not granted" error from every module, and a where built from a value
// with a quote in it matches nothing and changes nothing.
func TestModulesRefuseWhatIsNotGranted(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dbName, db := services.Database(t,
		"CREATE TABLE users (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(64), admin BOOL NOT NULL DEFAULT FALSE)",
		"INSERT INTO users (name) VALUES ('alice'), ('bob')")
	jobs := map[string]string{
		"no-mysql":   `core.mysql.select("app", {tbl = "users"})`,
		"no-data":    `core.data("config")`,
		"no-network": `core.network.get("https://example.com")`,
		"no-email":   `local m = core.email.new() m:to("a@b.c") m:from("x@y.z") m:send()`,
		"other-db":   `local r, err, code = core.mysql.select("other", {tbl = "users"}) if code == 901 then error(err) end`,
		"injection": `
  local rows, err = core.mysql.select("app", {tbl = "users", where = {name = "x' OR '1'='1"}})
  if err or #rows ~= 0 then error("injection matched: " .. tostring(err)) end
  local n, err = core.mysql.update("app", {tbl = "users", values = {admin = true}, where = {name = "x' OR '1'='1"}})
  if err or n ~= 0 then error("injection updated " .. tostring(n)) end
  local n, err = core.mysql.update("app", {tbl = "users", values = {admin = true}, where = {}})
  if n ~= nil or not err:find("refusing to change every row") then error("empty where: " .. tostring(err)) end`,
	}
	var cfg strings.Builder
	dsn, _ := services.Account(t, dbName)
	fmt.Fprintf(&cfg, "state_dir = \"state\"\n[databases.app]\ndsn = %q\n[databases.other]\ndsn = %q\n", dsn, dsn)
	files := map[string]string{}
	for name, body := range jobs {
		files[name] = "local job = core.job()\nfunction job.run()\n" + body + "\n  return job.OK\nend\nreturn job\n"
		grants := ""
		if name == "other-db" || name == "injection" {
			grants = "grants = { mysql = [\"app\"] }\n"
		}
		fmt.Fprintf(&cfg, "\n[[jobs]]\nname = %q\nfile = %q\ninterval = 1\n%s", name, name+".lua", grants)
	}
	_, reports := startService(t, dir, cfg.String(), files)
	want := map[string]string{
		"no-mysql":   "core.mysql is not granted to job no-mysql",
		"no-data":    "core.data is not granted to job no-data",
		"no-network": "core.network is not granted to job no-network",
		"no-email":   "core.email is not granted to job no-email",
		"other-db":   `core.mysql database "other" is not granted to job other-db`,
		"injection":  "",
	}
	firstRuns(t, reports, len(want), func(r sched.Report) {
		if !strings.Contains(r.Outcome.Error, want[r.Job]) || (want[r.Job] == "") != (r.Outcome.Status == abi.StatusOK) {
			t.Errorf("%s: %s %q, want %q", r.Job, r.Outcome.Status, r.Outcome.Error, want[r.Job])
		}
	})
	var admins int
	if err := db.QueryRow("SELECT COUNT(*) FROM users WHERE admin").Scan(&admins); err != nil || admins != 0 {
		t.Errorf("%d admins after the injection attempts (%v)", admins, err)
	}
}

// TestMySQLMethods exercises core.mysql's methods from a Lua job against
// MariaDB; the job checks every answer and fails on the first wrong one.
func TestMySQLMethods(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dbName, db := services.Database(t, "CREATE TABLE items (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(64) UNIQUE, qty INT, price DECIMAL(6,2))")
	dsn, _ := services.Account(t, dbName)
	writeFile(t, filepath.Join(dir, "methods.lua"), `local job = core.job()
local function check(ok, what, err) if not ok then error(what .. ": " .. tostring(err)) end end
function job.run()
  local m = core.mysql
  local id, err = m.insert("app", {tbl = "items", values = {name = "bolt", qty = 5, price = 0.25}})
  check(id == 1, "insert", err)
  local ids, err = m.insertMany("app", {{tbl = "items", values = {name = "nut", qty = 9}}, {tbl = "items", values = {name = "gear", qty = 1}}})
  check(ids and ids[1] == 2 and ids[2] == 3, "insertMany", err)
  local res, err = m.insertMany("app", {{tbl = "items", values = {name = "cog"}}, {tbl = "items", values = {name = "bolt"}}})
  check(res == nil and err:find("Duplicate"), "insertMany rolls back", err)
  check(m.selectCount("app", {tbl = "items"}) == 3, "selectCount after the rollback")
  local rows, err = m.select("app", {tbl = "items", columns = {"name", "qty"}, where = {name = {"nut", "gear"}}, orderby = {qty = "DESC"}, limit = 5})
  check(rows and #rows == 2 and rows[1].name == "nut" and rows[2].qty == 1 and rows[1].id == nil, "select", err)
  local one = m.selectOne("app", {tbl = "items", where = {name = "bolt"}})
  check(one.price == 0.25 and one.qty == 5, "selectOne")
  check(m.selectOne("app", {tbl = "items", where = {name = "none"}}) == nil, "selectOne of nothing")
  check(m.update("app", {tbl = "items", values = {qty = 0}, where = "qty < 6"}) == 2, "update with a string where")
  local batch = m.insertBatch("app", {{tbl = "items", values = {name = "cog"}}, {tbl = "items", values = {name = "nut"}}})
  check(type(batch[1].id) == "number" and batch[2].error:find("Duplicate"), "insertBatch")
  local n, err, code = m.query("app", "SELECT nope FROM items")
  check(n == nil and code == 1054, "query error code", err)
  check(m.q("app", "UPDATE items SET qty = qty + 1") == 3, "query counts changed rows (cog's qty is NULL: unchanged)")
  check(#m.query("app", "SELECT * FROM items") == 4, "query returns rows")
  check(m.delete("app", {tbl = "items", where = {name = "cog"}}) == 1, "delete")
  check(m.escape("it's") == "'it\\'s'", "escape (quoted, as mysql.md says)")
  return job.OK
end
return job
`)
	writeFile(t, filepath.Join(dir, "config.toml"), fmt.Sprintf("state_dir = \"state\"\n[databases.app]\ndsn = %q\n\n[[jobs]]\nname = \"methods\"\nfile = \"methods.lua\"\ninterval = 1\ngrants = { mysql = [\"app\"] }\n", dsn))
	reports := make(chan sched.Report, 10)
	svc, err := seededStart(t, context.Background(), filepath.Join(dir, "config.toml"), service.Options{OnReport: func(r sched.Report) { reports <- r }})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Stop(context.Background())
	select {
	case r := <-reports:
		if r.Outcome.Status != abi.StatusOK {
			t.Fatalf("%s %q", r.Outcome.Status, r.Outcome.Error)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the job did not run within 60s")
	}
	var left int
	if err := db.QueryRow("SELECT COUNT(*) FROM items").Scan(&left); err != nil || left != 3 {
		t.Errorf("%d items left (%v), want 3", left, err)
	}
}
