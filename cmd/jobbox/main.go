// Command jobbox runs scheduled jobs in WebAssembly sandboxes.
//
//	jobbox serve      [--config config.toml]
//	jobbox check      [--config config.toml] [FILE...]
//	jobbox run        FILE.lua|FILE.wasm [--config config.toml] [--json] [--at TIME]
//	jobbox jobs       [--config config.toml] [--json]
//	jobbox reload     [--config config.toml]
//	jobbox activate   NAME [--config config.toml]
//	jobbox deactivate NAME [--config config.toml]
//	jobbox history    NAME [--config config.toml] [--json]
//	jobbox run-now    NAME [--config config.toml] [--json]
//	jobbox audit      [--config config.toml] [--json]
//	jobbox store      check|backup FILE|restore FILE [--config config.toml]
//	jobbox hash-password NAME [--role ROLE] < password
//	jobbox new-token  NAME [--role ROLE]
//	jobbox job        show|create|update|delete NAME [flags]
//	jobbox code       get NAME [-o FILE] | put NAME FILE
//	jobbox bench      [--runs N] [--window D] [--case NAME] [--quick]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"strings"
	"syscall"
	_ "time/tzdata" // timezones work on hosts without a zoneinfo database

	"github.com/jobbox/jobbox/host/sandbox"
	"github.com/jobbox/jobbox/host/textsafe"
)

func main() {
	// A re-exec of jobbox compiles a job's guest under limits and exits.
	sandbox.RunCompilerIfChild()
	tuneProcs(os.Getenv)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `jobbox runs scheduled jobs in WebAssembly sandboxes.

Usage:
  jobbox serve      [--config config.toml] [--new-store]  run the service
                    (--new-store: start on an empty store where one was lost)
  jobbox check      [--config config.toml] [FILE...] check the config and job files
  jobbox run        FILE [--config config.toml] [--json] [--at TIME]  run one job once
                    (--at 2027-01-03T10:00: as if it were then, for day-dependent jobs)
  jobbox jobs       [--config config.toml] [--json]  list the service's jobs
  jobbox reload     [--config config.toml]          re-read config.toml
  jobbox activate   NAME [--config config.toml]     re-activate a job (applies at the next reload)
  jobbox deactivate NAME [--config config.toml]     deactivate a job now
  jobbox history    NAME [--config config.toml] [--json]  a job's latest runs
  jobbox run-now    NAME [--config config.toml] [--json]  run a job now, once (never
                    overlapping a run in flight)
  jobbox audit      [--config config.toml] [--json]  the latest changes: who, from where, what
  jobbox store check   [--config config.toml] [--json]    check the state store
  jobbox store backup  FILE [--config config.toml] [--force]  copy the state store,
                    also while the service runs (--force: replace FILE)
  jobbox store restore FILE [--config config.toml]   replace the state store with
                    a backup; the service must be stopped
  jobbox hash-password NAME [--role viewer|operator|admin]  make an [[admin.users]]
                    entry from a password read from standard input (docs/admin-api.md)
  jobbox new-token  NAME [--role viewer|operator|admin]  make an API token: prints the
                    token once, and the [[admin.tokens]] entry that holds its hash
  jobbox job        show|create|update|delete NAME [flags]  a job's [[jobs]] table
                    through the API (docs/admin-api.md); delete needs --yes
  jobbox code       get NAME [-o FILE] | put NAME FILE     a job's Lua code
  jobbox bench      [--runs 200] [--window 10s] [--case NAME] [--quick]
                    measure run cost, lateness and memory; prints one table

The commands jobs, reload, activate, deactivate, history, run-now, audit, job and code take --server URL to reach
a service's HTTP API instead of its local socket, with a token from --token-file FILE
or $JOBBOX_TOKEN.
`

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1 // the command ran and found a problem: a failed check or run
	exitUsage = 2
)

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	if args[0] == "bench" {
		return cmdBench(ctx, args[1:], stdout, stderr)
	}
	if args[0] == "bench-watch" {
		return cmdBenchWatch(ctx, args[1:], stdout, stderr)
	}
	if args[0] == "store" {
		if len(args) < 2 {
			fmt.Fprintf(stderr, "jobbox store: name a subcommand: check, backup or restore\n\n%s", usage)
			return exitUsage
		}
		args = append([]string{"store " + args[1]}, args[2:]...)
	}
	if args[0] == "job" || args[0] == "code" {
		args = editArgs(args)
	}
	cmds := map[string]func(context.Context, *invocation) int{
		"serve":         cmdServe,
		"check":         cmdCheck,
		"run":           cmdRun,
		"jobs":          cmdJobs,
		"reload":        cmdReload,
		"activate":      cmdActivate,
		"deactivate":    cmdDeactivate,
		"history":       cmdHistory,
		"run-now":       cmdRunNow,
		"audit":         cmdAudit,
		"hash-password": cmdHashPassword,
		"new-token":     cmdNewToken,
		"store check":   cmdStoreCheck,
		"store backup":  cmdStoreBackup,
		"store restore": cmdStoreRestore,
	}
	maps.Copy(cmds, editCommands)
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "jobbox: unknown command %q\n\n%s", args[0], usage)
		return exitUsage
	}
	inv, err := parse(args[0], args[1:], stdout, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		fmt.Fprintf(stderr, "jobbox %s: %v\n", args[0], err)
		return exitUsage
	}
	return cmd(ctx, inv)
}

// invocation is one command line: its flags and its positional arguments.
type invocation struct {
	name   string
	config string
	json   bool
	at     string
	// newStore (serve) and force (store backup) are their command's own.
	newStore bool
	force    bool
	role     string // hash-password, new-token
	// server and tokenFile reach a service through its HTTP API.
	server    string
	tokenFile string
	edit      *editOptions // the job and code edits' own flags
	args      []string
	stdin     io.Reader
	stdout    io.Writer
	stderr    io.Writer
}

// parse reads flags wherever they stand among the positional arguments, so
// `jobbox run job.lua --json` and `jobbox run --json job.lua` both work.
func parse(name string, args []string, stdout, stderr io.Writer) (*invocation, error) {
	inv := &invocation{name: name, stdout: stdout, stderr: stderr, stdin: os.Stdin}
	fs := flag.NewFlagSet("jobbox "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&inv.config, "config", "config.toml", "the config file")
	fs.BoolVar(&inv.json, "json", false, "print JSON")
	fs.StringVar(&inv.at, "at", "", "run as if the time were this (RFC 3339, or 2006-01-02T15:04 in the config's timezone)")
	switch name {
	case "jobs", "reload", "activate", "deactivate", "history", "run-now", "audit":
		fs.StringVar(&inv.server, "server", "", "the admin API's URL, such as https://jobs.example.com:8610, instead of the local socket")
		fs.StringVar(&inv.tokenFile, "token-file", "", "a file holding the API token for --server (else $JOBBOX_TOKEN)")
	}
	switch name {
	case "serve":
		fs.BoolVar(&inv.newStore, "new-store", false, "start on a new, empty state store where one was used before but is missing or empty")
	case "hash-password", "new-token":
		fs.StringVar(&inv.role, "role", "viewer", "the role: admin, operator or viewer")
	case "store backup":
		fs.BoolVar(&inv.force, "force", false, "replace FILE if it exists")
	}
	inv.edit = editFlags(fs, inv)
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			break
		}
		inv.args = append(inv.args, fs.Arg(0))
		args = fs.Args()[1:]
	}
	return inv, nil
}

func (inv *invocation) fail(format string, args ...any) int {
	msg := fmt.Sprintf(format, args...)
	fmt.Fprintf(inv.stderr, "jobbox %s: %s\n", inv.name, escapeLines(strings.TrimRight(msg, "\n")))
	return exitFail
}

// escapeLines escapes control characters in each line of s, which may
// quote what a job wrote, keeping its line breaks.
func escapeLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = textsafe.Escape(l)
	}
	return strings.Join(lines, "\n")
}
