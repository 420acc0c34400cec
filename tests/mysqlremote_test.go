//go:build integration

package tests

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/sched"
	"github.com/jobbox/jobbox/tests/internal/services"
)

// TestMySQLRemoteDatabase: a connection table with the job's own account
// reaches a server granted as mysql://host:port/database, only through the
// address policy of core.network (loopback needs network_cidrs), and only
// with an account that reaches that database alone; anything else is a
// failure the job handles.
func TestMySQLRemoteDatabase(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dbName, _ := services.Database(t, "CREATE TABLE clients (id INT PRIMARY KEY)", "INSERT INTO clients VALUES (1), (2)")
	dsn, _ := services.Account(t, dbName)
	acct, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	base, err := mysql.ParseDSN(services.MySQLBase())
	if err != nil {
		t.Fatal(err)
	}
	host, port, _ := strings.Cut(acct.Addr, ":")
	conn := func(user, password string) string {
		return fmt.Sprintf("{database = %q, host = %q, port = %s, user = %q, password = %q}", dbName, host, port, user, password)
	}
	grant := fmt.Sprintf("mysql://%s/%s", acct.Addr, dbName)
	jobs := map[string]struct{ body, grants, wantErr string }{
		"reaches": {`local rows, err = core.mysql.select(` + conn(acct.User, acct.Passwd) + `, {tbl = "clients"})
  if not rows or #rows ~= 2 then error("select: " .. tostring(err)) end
  local c = core.mysql.dbConnect(` + conn(acct.User, acct.Passwd) + `)
  if core.mysql.dbQuery(c, "SELECT COUNT(*) AS n FROM clients")[1].n ~= 2 then error("dbQuery") end
  core.mysql.dbClose(c)`, fmt.Sprintf("{ mysql = [%q], network_cidrs = [\"127.0.0.1/32\"] }", grant), ""},
		"loopback-refused": {`local rows, err, code = core.mysql.select(` + conn(acct.User, acct.Passwd) + `, {tbl = "clients"})
  if rows or not err:find("not a public address") then error("want the address refused: " .. tostring(err)) end`,
			fmt.Sprintf("{ mysql = [%q] }", grant), ""},
		"broad-account": {`local rows, err = core.mysql.select(` + conn(base.User, base.Passwd) + `, {tbl = "clients"})
  if rows or not err:find("reaches more than") then error("want the account refused: " .. tostring(err)) end`,
			fmt.Sprintf("{ mysql = [%q], network_cidrs = [\"127.0.0.1/32\"] }", grant), ""},
		"other-database": {`local rows, err, code = core.mysql.select({database = "other", host = "` + host + `", port = ` + port + `, user = "u", password = "p"}, {tbl = "clients"})
  if rows or code ~= 901 then error("want 901: " .. tostring(err)) end`,
			fmt.Sprintf("{ mysql = [%q], network_cidrs = [\"127.0.0.1/32\"] }", grant), ""},
	}
	var cfg strings.Builder
	cfg.WriteString("state_dir = \"state\"\n")
	files := map[string]string{}
	for name, j := range jobs {
		files[name] = "local job = core.job()\nfunction job.run()\n  " + j.body + "\n  return job.OK\nend\nreturn job\n"
		fmt.Fprintf(&cfg, "\n[[jobs]]\nname = %q\nfile = %q\ninterval = 1\ngrants = %s\n", name, name+".lua", j.grants)
	}
	_, reports := startService(t, dir, cfg.String(), files)
	firstRuns(t, reports, len(jobs), func(r sched.Report) {
		if r.Outcome.Status != abi.StatusOK {
			t.Errorf("%s: %s %q", r.Job, r.Outcome.Status, r.Outcome.Error)
		}
	})
}

// firstRuns calls check with the first report of each job until n jobs
// have reported, failing t if they have not within 60s.
func firstRuns(t *testing.T, reports <-chan sched.Report, n int, check func(sched.Report)) {
	t.Helper()
	timeout := time.After(60 * time.Second)
	for seen := map[string]bool{}; len(seen) < n; {
		select {
		case r := <-reports:
			if seen[r.Job] {
				continue
			}
			seen[r.Job] = true
			check(r)
		case <-timeout:
			t.Fatal("the jobs did not all run within 60s")
		}
	}
}
