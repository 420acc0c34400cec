//go:build integration

package tests

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/jobbox/jobbox/host/sandbox/sandboxtest"
	"github.com/jobbox/jobbox/host/service"
	"github.com/jobbox/jobbox/tests/internal/services"
)

// conformanceAt is when every conformance case runs unless it says
// otherwise: unix time 1234567890, the instant the Coronium docs' own
// timestamp examples print.
const conformanceAt = "2009-02-13T23:31:30Z"

// defaultGrants is what a conformance case is granted unless its
// `-- grants:` line says otherwise: everything the conformance world has.
const defaultGrants = `{ mysql = ["conf"], data = ["conf"], network = ["https://api.test"], network_cidrs = ["127.0.0.1/32"], email_from = ["jobs@example.com"], email_to = ["example.com"] }`

// TestCoroniumConformance runs every job of tests/conformance/ (a job file
// per documented example or call shape of the Coronium Core docs, see
// conformanceCase) under `jobbox run`, against real MariaDB, SMTP and HTTPS
// servers on loopback, and checks the outcome and the effects the case's
// header names.
func TestCoroniumConformance(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("conformance", "*", "*.lua"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no conformance cases in tests/conformance/*/*.lua (%v)", err)
	}
	w := newConformanceWorld(t)
	for _, file := range files {
		c, err := readConformanceCase(file)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(filepath.Dir(file)) + "/" + strings.TrimSuffix(filepath.Base(file), ".lua")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w.run(t, c)
		})
	}
}

// conformanceCase is one job of tests/conformance/ and its header: lines
// `-- key: value` before the code.
//
//	-- doc: the docs file (and section) the case comes from (required)
//	-- expect: OK, SLEEP, STOP or EXIT, or ERROR <text the error contains>
//	-- setup: SQL run on the case's fresh database before the job
//	-- sql: SELECT ... => the single value expected after the job (NULL for SQL NULL)
//	-- smtp: text the one message the SMTP server received must contain
//	-- log: text a log line of the run must contain
//	-- grants: a TOML inline table replacing defaultGrants
//	-- at: the RFC 3339 time the run sees, instead of conformanceAt
type conformanceCase struct {
	file, doc, expect, grants, at string
	setup, sql, smtp, log         []string
}

func readConformanceCase(file string) (conformanceCase, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return conformanceCase{}, err
	}
	c := conformanceCase{file: file, grants: defaultGrants, at: conformanceAt}
	for n, line := range strings.Split(string(b), "\n") {
		key, value, ok := strings.Cut(strings.TrimPrefix(line, "-- "), ": ")
		if !strings.HasPrefix(line, "-- ") || !ok {
			break
		}
		value = strings.TrimSpace(value)
		switch key {
		case "doc":
			c.doc = value
		case "expect":
			c.expect = value
		case "grants":
			c.grants = value
		case "at":
			c.at = value
		case "setup":
			c.setup = append(c.setup, value)
		case "sql":
			c.sql = append(c.sql, value)
		case "smtp":
			c.smtp = append(c.smtp, value)
		case "log":
			c.log = append(c.log, value)
		default:
			return c, fmt.Errorf("%s:%d: unknown header %q (see conformanceCase)", file, n+1, key)
		}
	}
	if c.doc == "" || c.expect == "" {
		return c, fmt.Errorf("%s: the header needs a `-- doc:` and an `-- expect:` line", file)
	}
	return c, nil
}

// relaysTOML is the [smtp] and [network] tables of a test config: mail
// through the test SMTP server over STARTTLS, and HTTPS requests for
// host:port sent to the loopback server at addr, both trusting caFile.
func relaysTOML(t *testing.T, smtp *services.SMTP, caFile, hostPort, addr string) string {
	return fmt.Sprintf(`[smtp]
host = "127.0.0.1"
port = %s
tls = "starttls"
ca_file = %q

[network]
ca_file = %[2]q
[network.connect_to]
%[3]q = %[4]q
`, services.Port(t, smtp.Addr), caFile, hostPort, addr)
}

// conformanceWorld is what every case shares: the jobbox binary, and the
// HTTPS echo server behind https://api.test.
type conformanceWorld struct {
	bin, apiAddr string
	ca           *services.CA
	dir          string
	smtp         *services.SMTP // for the cases that send mail but do not check it
}

func newConformanceWorld(t *testing.T) *conformanceWorld {
	w := &conformanceWorld{dir: t.TempDir(), bin: jobboxBinary(t)}
	w.ca = services.NewCA(t, w.dir)
	w.apiAddr = services.HTTPS(t, w.ca, echoHandler(), "api.test").Listener.Addr().String()
	w.smtp = services.StartSMTP(t, w.ca, w.dir)
	return w
}

// echoHandler is the server behind https://api.test: /status/NNN answers
// status NNN, /json a fixed document, any other path echoes the request.
func echoHandler() http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "application/json")
		if code, ok := strings.CutPrefix(r.URL.Path, "/status/"); ok {
			n, _ := strconv.Atoi(code)
			rw.WriteHeader(n)
			fmt.Fprintf(rw, `{"status": %d}`, n)
			return
		}
		if r.URL.Path == "/json" {
			fmt.Fprint(rw, `{"greeting": "hello", "n": 3}`)
			return
		}
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		headers := map[string]string{}
		for k := range r.Header {
			headers[k] = r.Header.Get(k)
		}
		_ = json.NewEncoder(rw).Encode(map[string]any{
			"method": r.Method, "path": r.URL.Path, "query": r.URL.RawQuery,
			"headers": headers, "body": string(body),
		})
	})
}

// run runs one case in a directory of its own: its own database, state
// directory and, when it checks mail, SMTP server.
func (w *conformanceWorld) run(t *testing.T, c conformanceCase) {
	dir := t.TempDir()
	dbName, db := services.Database(t, c.setup...)
	dsn, _ := services.Account(t, dbName)
	smtp := w.smtp
	if len(c.smtp) > 0 {
		smtp = services.StartSMTP(t, w.ca, dir)
	}
	job, err := filepath.Abs(c.file)
	if err != nil {
		t.Fatal(err)
	}
	config := filepath.Join(dir, "config.toml")
	writeFile(t, config, fmt.Sprintf(`state_dir = "state"
timezone = "UTC"
job_dirs = [%[1]q]

[databases.conf]
dsn = %[2]q

%[3]s
[[jobs]]
name = "conformance"
file = %[4]q
interval = 60
grants = %[5]s
`, filepath.Dir(job), dsn, relaysTOML(t, smtp, w.ca.PEMFile, "api.test:443", w.apiAddr), job, c.grants))
	sandboxtest.SeedCache(t, filepath.Join(dir, "state", service.CacheDir))
	out, _ := exec.Command(w.bin, "run", "--config", config, "--json", "--at", c.at, job).Output()
	var res runResult
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("%s: jobbox run printed %q: %v", c.file, out, err)
	}
	c.check(t, res, db, smtp)
}

// runResult is what `jobbox run --json` prints.
type runResult struct {
	Status, Error string
	Logs          []string
}

func (c conformanceCase) check(t *testing.T, res runResult, db *sql.DB, smtp *services.SMTP) {
	t.Helper()
	where := fmt.Sprintf("%s (from %s)", c.file, c.doc)
	status, errHas, _ := strings.Cut(c.expect, " ")
	logs := strings.Join(res.Logs, "\n")
	if res.Status != status || !strings.Contains(res.Error, errHas) {
		t.Fatalf("%s: got %s %q, want %s; logs:\n%s", where, res.Status, res.Error, c.expect, logs)
	}
	for _, want := range c.log {
		if !strings.Contains(logs, want) {
			t.Errorf("%s: no log line contains %q; logs:\n%s", where, want, logs)
		}
	}
	for _, q := range c.sql {
		query, want, _ := strings.Cut(q, " => ")
		var got sql.NullString
		if err := db.QueryRow(query).Scan(&got); err != nil {
			t.Errorf("%s: %s: %v", where, query, err)
		} else if text := map[bool]string{true: got.String, false: "NULL"}[got.Valid]; text != want {
			t.Errorf("%s: %s gave %q, want %q", where, query, text, want)
		}
	}
	if len(c.smtp) == 0 {
		return
	}
	msgs := smtp.Messages(t)
	if len(msgs) != 1 {
		t.Fatalf("%s: the SMTP server received %d messages, want 1", where, len(msgs))
	}
	for _, want := range c.smtp {
		if !strings.Contains(msgs[0], want) {
			t.Errorf("%s: the message lacks %q:\n%s", where, want, msgs[0])
		}
	}
}
