//go:build integration

package tests

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/clock"
	"github.com/jobbox/jobbox/host/sched"
	"github.com/jobbox/jobbox/host/service"
	"github.com/jobbox/jobbox/tests/internal/services"
)

// mysqlJob is a Lua job around body, with q(sql) running a statement on
// database "app" and failing the run with the statement on an error.
func mysqlJob(body string) string {
	return `local job = core.job()
local m = core.mysql
local function q(sql)
  local r, err = m.query("app", sql)
  if err then error(sql .. ": " .. err) end
  return r
end
local function refused(sql)
  local r, err = m.query("app", sql)
  if not err then error(sql .. " was not refused") end
end
function job.run()
` + body + `
  return job.OK
end
return job
`
}

// startService starts a service on the config written to dir and sends
// every report to the channel returned.
func startService(t *testing.T, dir, config string, jobs map[string]string) (*service.Service, chan sched.Report) {
	t.Helper()
	for name, src := range jobs {
		writeFile(t, filepath.Join(dir, name+".lua"), src)
	}
	writeFile(t, filepath.Join(dir, "config.toml"), config)
	reports := make(chan sched.Report, 100)
	svc, err := seededStart(t, context.Background(), filepath.Join(dir, "config.toml"), service.Options{OnReport: func(r sched.Report) { reports <- r }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Stop(context.Background()) })
	return svc, reports
}

// nextReport waits for a report of job, with a hang guard.
func nextReport(t *testing.T, reports chan sched.Report, job string) sched.Report {
	t.Helper()
	timeout := time.After(60 * time.Second)
	for {
		select {
		case r := <-reports:
			if r.Job == job {
				return r
			}
		case <-timeout:
			t.Fatalf("job %s did not report within 60s", job)
		}
	}
}

// TestMySQLRunsStartClean: whatever session state one run leaves (user
// variables, sql_mode, a named lock, a temporary table, autocommit=0 with
// an uncommitted insert, USE of another database), the next run, on a pool
// of one connection, starts clean, and its insert is committed. The named
// lock is free as soon as the run that took it has ended.
func TestMySQLRunsStartClean(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dbName, db := services.Database(t, "CREATE TABLE marks (id INT AUTO_INCREMENT PRIMARY KEY, what VARCHAR(32))")
	dsn, _ := services.Account(t, dbName)
	lock := "lock_" + dbName
	_, reports := startService(t, dir, fmt.Sprintf("state_dir = \"state\"\n[databases.app]\ndsn = %q\nmax_open = 1\n\n[[jobs]]\nname = \"session\"\nfile = \"session.lua\"\ninterval = 1\ngrants = { mysql = [\"app\"] }\n", dsn),
		map[string]string{"session": mysqlJob(fmt.Sprintf(`
  if q("SELECT COUNT(*) AS n FROM marks")[1].n == 0 then
    q("INSERT INTO marks (what) VALUES ('dirty')")
    q("SET @leak = 42")
    q("SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES'")
    q("SELECT GET_LOCK('%[1]s', 0)")
    q("CREATE TEMPORARY TABLE scratch (x INT)")
    q("SET autocommit = 0")
    q("INSERT INTO marks (what) VALUES ('uncommitted')")
    q("USE information_schema")
    return job.OK
  end
  local s = q("SELECT @leak AS leak, @@autocommit AS ac, @@sql_mode AS mode, IS_FREE_LOCK('%[1]s') AS free, DATABASE() AS db")[1]
  if s.leak ~= nil then error("user variable @leak survived: " .. tostring(s.leak)) end
  if s.ac ~= 1 then error("autocommit is " .. tostring(s.ac)) end
  if s.mode:find("NO_BACKSLASH_ESCAPES") then error("sql_mode survived: " .. s.mode) end
  if s.free ~= 1 then error("the named lock is still held") end
  if s.db ~= %[2]q then error("the database is " .. tostring(s.db)) end
  refused("SELECT * FROM scratch")
  local id, err = m.insert("app", {tbl = "marks", values = {what = "second"}})
  if not id then error(err) end`, lock, dbName))})
	for run := 1; run <= 2; run++ {
		if r := nextReport(t, reports, "session"); r.Outcome.Status != abi.StatusOK {
			t.Fatalf("run %d: %s %q", run, r.Outcome.Status, r.Outcome.Error)
		}
		// The lock is free once the run has ended, not only once the
		// server gets round to the closed connection.
		var free int
		if err := db.QueryRow("SELECT IS_FREE_LOCK(?)", lock).Scan(&free); err != nil || free != 1 {
			t.Fatalf("after run %d, IS_FREE_LOCK(%s) is %d (%v), want 1", run, lock, free, err)
		}
	}
	var got []string
	rows, err := db.Query("SELECT what FROM marks ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var w string
		_ = rows.Scan(&w)
		got = append(got, w)
	}
	if strings.Join(got, " ") != "dirty second" {
		t.Errorf("marks %q, want the first run's committed insert and the second run's, not the uncommitted one", got)
	}
}

// lockedBuffer is a log the service writes from several goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestMySQLAccountReachesOnlyItsDatabase: an account with privileges
// beyond its database refuses the config, unless allow_broad_account says
// otherwise (with a warning); a least-privilege account reaches neither
// other schemas nor files.
func TestMySQLAccountReachesOnlyItsDatabase(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dbName, _ := services.Database(t, "CREATE TABLE t (x INT)")
	otherDB, _ := services.Database(t, "CREATE TABLE secrets (s TEXT)")
	broad := services.MySQLBase() + dbName
	config := filepath.Join(dir, "config.toml")
	writeFile(t, config, fmt.Sprintf("state_dir = \"state\"\n[databases.app]\ndsn = %q\n", broad))
	_, err := seededStart(t, context.Background(), config, service.Options{})
	for _, want := range []string{`database "app"`, "ALL PRIVILEGES ON *.* is on every database", "allow_broad_account = true"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("a broad account: got %v, want an error with %q", err, want)
		}
	}

	writeFile(t, config, fmt.Sprintf("state_dir = \"state\"\n[databases.app]\ndsn = %q\nallow_broad_account = true\n", broad))
	log := &lockedBuffer{}
	svc, err := seededStart(t, context.Background(), config, service.Options{Log: log})
	if err != nil {
		t.Fatalf("allow_broad_account: %v", err)
	}
	svc.Stop(context.Background())
	if !strings.Contains(log.String(), "allow_broad_account is set") {
		t.Errorf("no warning of allow_broad_account in the log:\n%s", log)
	}

	dsn, _ := services.Account(t, dbName)
	_, reports := startService(t, t.TempDir(), fmt.Sprintf("state_dir = %q\n[databases.app]\ndsn = %q\n\n[[jobs]]\nname = \"reach\"\nfile = \"reach.lua\"\ninterval = 1\ngrants = { mysql = [\"app\"] }\n", filepath.Join(dir, "state2"), dsn),
		map[string]string{"reach": mysqlJob(fmt.Sprintf(`
  refused("SELECT * FROM %[1]s.secrets")
  refused("USE %[1]s")
  refused("SELECT user FROM mysql.user")
  refused("SELECT 1 INTO OUTFILE '/tmp/jobbox-outfile-%[1]s'")
  if q("SELECT LOAD_FILE('/etc/passwd') AS f")[1].f ~= nil then error("LOAD_FILE read a file") end`, otherDB))})
	if r := nextReport(t, reports, "reach"); r.Outcome.Status != abi.StatusOK {
		t.Errorf("%s %q", r.Outcome.Status, r.Outcome.Error)
	}
}

// TestMySQLResultStopsAtRunBytes: a select whose rows pass run_bytes
// fails with the limit named, as the rows are read.
func TestMySQLResultStopsAtRunBytes(t *testing.T) {
	t.Parallel()
	dbName, _ := services.Database(t, "CREATE TABLE big (id INT AUTO_INCREMENT PRIMARY KEY, pad TEXT)",
		"INSERT INTO big (pad) SELECT REPEAT('x', 1000) FROM information_schema.COLUMNS LIMIT 2000")
	dsn, _ := services.Account(t, dbName)
	_, reports := startService(t, t.TempDir(), fmt.Sprintf("state_dir = \"state\"\n[limits]\nrun_bytes = \"256KiB\"\n[databases.app]\ndsn = %q\n\n[[jobs]]\nname = \"big\"\nfile = \"big.lua\"\ninterval = 1\ngrants = { mysql = [\"app\"] }\n", dsn),
		map[string]string{"big": mysqlJob(`
  local rows, err = m.query("app", "SELECT * FROM big")
  if rows then error("got " .. #rows .. " rows") end
  error(err)`)})
	r := nextReport(t, reports, "big")
	if !strings.Contains(r.Outcome.Error, "bytes the run has left of its run_bytes limit") {
		t.Errorf("%s %q, want the run_bytes budget passed", r.Outcome.Status, r.Outcome.Error)
	}
}

// waitFor polls cond, a condition on the database server (its process
// list), until it holds. The server sends no notice when a session starts
// waiting on a lock or goes away, so polling it is the only way to see
// either; the guard fails the test rather than hang it.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	const guard = 30 * time.Second
	poll := time.NewTicker(10 * time.Millisecond)
	defer poll.Stop()
	timeout := time.After(guard)
	for !cond() {
		select {
		case <-poll.C:
		case <-timeout:
			t.Fatalf("waited %s for %s", guard, what)
		}
	}
}

// TestReloadWhileRunsWaitForASlot: with max_concurrent_runs = 1, three runs
// block on a lock inside a core.mysql call (a module call gives the CPU slot
// up, so all three get in); a reload then moves the database to another
// account, and the lock is released: the three runs queue for the one slot
// again, complete against the pool of their own config (the old account),
// and that pool closes after the last of them.
func TestReloadWhileRunsWaitForASlot(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dbName, db := services.Database(t, "CREATE TABLE runs (id INT AUTO_INCREMENT PRIMARY KEY, job VARCHAR(16), who VARCHAR(128))")
	oldDSN, oldUser := services.Account(t, dbName)
	newDSN, _ := services.Account(t, dbName)
	ctx := context.Background()
	gate, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer gate.Close()
	lock := "gate_" + dbName
	if _, err := gate.ExecContext(ctx, "SELECT GET_LOCK(?, 0)", lock); err != nil {
		t.Fatal(err)
	}
	count := func(query string, args ...any) (n int) {
		_ = gate.QueryRowContext(ctx, query, args...).Scan(&n)
		return n
	}
	const inProcesslist = "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = ?"

	jobs := map[string]string{}
	config := "state_dir = \"state\"\nmax_concurrent_runs = 1\n[databases.app]\ndsn = %q\n"
	for _, w := range []string{"w1", "w2", "w3"} {
		jobs[w] = mysqlJob(fmt.Sprintf(`q("SELECT GET_LOCK('%s', 60)")
  q("INSERT INTO runs (job, who) SELECT '%s', CURRENT_USER()")`, lock, w))
		config += fmt.Sprintf("\n[[jobs]]\nname = %q\nfile = \"%[1]s.lua\"\ninterval = 60\ngrants = { mysql = [\"app\"] }\n", w)
	}
	for name, src := range jobs {
		writeFile(t, filepath.Join(dir, name+".lua"), src)
	}
	writeFile(t, filepath.Join(dir, "config.toml"), fmt.Sprintf(config, oldDSN))
	at, _ := time.Parse(time.RFC3339, janSunday)
	clk := clock.NewFake(at)
	reports := make(chan sched.Report, 100)
	svc, err := seededStart(t, ctx, filepath.Join(dir, "config.toml"), service.Options{Clock: clk, OnReport: func(r sched.Report) { reports <- r }})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Stop(ctx)

	clk.Advance(60 * time.Second)
	waitFor(t, "three runs to block on the lock", func() bool {
		return count(inProcesslist+" AND INFO LIKE 'SELECT GET_LOCK%'", oldUser) == 3
	})
	writeFile(t, filepath.Join(dir, "config.toml"), fmt.Sprintf(config, newDSN))
	if err := svc.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := gate.ExecContext(ctx, "SELECT RELEASE_LOCK(?)", lock); err != nil {
		t.Fatal(err)
	}
	awaitOK(t, svc, reports, 3)
	got := column(t, gate, "SELECT CONCAT(job, ' ', who) FROM runs ORDER BY job")
	if want := fmt.Sprintf("w1 %[1]s@%%,w2 %[1]s@%%,w3 %[1]s@%%", oldUser); strings.Join(got, ",") != want {
		t.Errorf("runs %q, want %q: the runs in flight use their own config's account", got, want)
	}
	waitFor(t, "the old pool to close", func() bool { return count(inProcesslist, oldUser) == 0 })
}

// awaitOK waits for n jobs to report, each a success.
func awaitOK(t *testing.T, svc *service.Service, reports chan sched.Report, n int) {
	t.Helper()
	for seen := map[string]bool{}; len(seen) < n; {
		select {
		case r := <-reports:
			t.Logf("report %s %s %q", r.Job, r.Outcome.Status, r.Outcome.Error)
			seen[r.Job] = true
			if r.Outcome.Status != abi.StatusOK {
				t.Errorf("%s: %s %q", r.Job, r.Outcome.Status, r.Outcome.Error)
			}
		case <-time.After(60 * time.Second):
			t.Fatalf("only %v reported; jobs %+v", seen, svc.Scheduler().Jobs())
		}
	}
}

// column returns the first column of every row query returns, as text.
func column(t *testing.T, conn *sql.Conn, query string) []string {
	t.Helper()
	rows, err := conn.QueryContext(context.Background(), query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var s string
		_ = rows.Scan(&s)
		got = append(got, s)
	}
	return got
}

// TestMySQLCallEndsAtTheRunsDeadline: a statement that would outlast the
// run returns when the run's time limit passes, and the run says so.
func TestMySQLCallEndsAtTheRunsDeadline(t *testing.T) {
	t.Parallel()
	dbName, _ := services.Database(t)
	dsn, _ := services.Account(t, dbName)
	_, reports := startService(t, t.TempDir(), fmt.Sprintf("state_dir = \"state\"\n[databases.app]\ndsn = %q\ntimeout = \"60s\"\n\n[[jobs]]\nname = \"slow\"\nfile = \"slow.lua\"\ninterval = 1\nlimits = { timeout = \"1s\" }\ngrants = { mysql = [\"app\"] }\n", dsn),
		map[string]string{"slow": mysqlJob(`
  local r, err = m.query("app", "SELECT SLEEP(40)")
  error(tostring(err))`)})
	r := nextReport(t, reports, "slow")
	if r.Outcome.Status != abi.StatusError || !strings.Contains(r.Outcome.Error, "time limit") {
		t.Errorf("%s %q, want an error naming the time limit", r.Outcome.Status, r.Outcome.Error)
	}
}
