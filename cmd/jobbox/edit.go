package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/jobbox/jobbox/host/api"
	"github.com/jobbox/jobbox/host/service"
	"github.com/jobbox/jobbox/host/textsafe"
)

// The job and code edits: `jobbox job show|create|update|delete` and
// `jobbox code get|put`, through the admin API's /v1/jobs routes, on the
// local socket or a remote --server as the other admin commands.

var editCommands = map[string]func(context.Context, *invocation) int{
	"job show":   cmdJobShow,
	"job create": cmdJobCreate,
	"job update": cmdJobUpdate,
	"job delete": cmdJobDelete,
	"code get":   cmdCodeGet,
	"code put":   cmdCodePut,
}

// editArgs joins `job`/`code` and its subcommand into one command name;
// without a subcommand the name stays unknown, and run prints the usage.
func editArgs(args []string) []string {
	if len(args) < 2 || strings.HasPrefix(args[1], "-") {
		return args
	}
	return append([]string{args[0] + " " + args[1]}, args[2:]...)
}

// editOptions are the flags of the job and code edits.
type editOptions struct {
	fs       *flag.FlagSet // which flags were given, for update
	file     string
	interval string
	runOnce  bool
	inactive bool
	grants   grantFlags
	target   string
	yes      bool
	out      string
}

// editFlags adds the edits' flags to fs when inv is an edit, and nil
// otherwise.
func editFlags(fs *flag.FlagSet, inv *invocation) *editOptions {
	if editCommands[inv.name] == nil {
		return nil
	}
	fs.StringVar(&inv.server, "server", "", "the admin API's URL, such as https://jobs.example.com:8610, instead of the local socket")
	fs.StringVar(&inv.tokenFile, "token-file", "", "a file holding the API token for --server (else $JOBBOX_TOKEN)")
	o := &editOptions{fs: fs}
	switch inv.name {
	case "job create", "job update":
		fs.StringVar(&o.file, "file", "", "the job's code: a .lua or .wasm file in a job directory, relative to config.toml")
		fs.StringVar(&o.interval, "interval", "", "how often it runs: seconds, or a duration such as 90s or 1h")
		fs.BoolVar(&o.runOnce, "run-once", false, "run once after each start or reload instead of every interval")
		fs.BoolVar(&o.inactive, "inactive", false, "configure the job deactivated (update: --inactive=false activates it)")
		fs.Var(&o.grants, "grant", "grant a core module, MODULE=VALUE such as mysql=shop (repeatable; update: replaces the grants)")
	}
	switch inv.name {
	case "job create":
		fs.StringVar(&o.target, "target", "", "the file to add the job to, one config.toml's include names (default config.toml)")
	case "job delete":
		fs.BoolVar(&o.yes, "yes", false, "delete the job: it cannot be undone")
	case "code get":
		fs.StringVar(&o.out, "o", "", "write the code to this file instead of standard output")
	}
	return o
}

// grantFlags gathers --grant MODULE=VALUE into a job's grants table.
type grantFlags map[string][]string

func (g *grantFlags) String() string { return "" }

func (g *grantFlags) Set(s string) error {
	module, value, ok := strings.Cut(s, "=")
	if !ok || module == "" || value == "" {
		return fmt.Errorf("a grant is MODULE=VALUE, such as mysql=shop or network=https://api.example.com")
	}
	if *g == nil {
		*g = grantFlags{}
	}
	(*g)[module] = append((*g)[module], value)
	return nil
}

// given reports whether the flag was on the command line.
func (o *editOptions) given(name string) bool {
	found := false
	o.fs.Visit(func(f *flag.Flag) { found = found || f.Name == name })
	return found
}

// send makes one call of the admin API and returns the answer's ETag.
func (inv *invocation) send(ctx context.Context, call service.Call) (string, int) {
	c, err := inv.client()
	if err != nil {
		return "", inv.fail("%v", err)
	}
	etag, err := c.Send(ctx, call)
	if err != nil {
		return "", inv.refused(err)
	}
	return etag, exitOK
}

// refused reports a refused call: each problem where it lies, as
// `file:line:col: message` (the form editors jump to), then the sentence.
func (inv *invocation) refused(err error) int {
	var e *api.Error
	if !errors.As(err, &e) {
		return inv.fail("%v", err)
	}
	for _, p := range e.Problems {
		fmt.Fprintln(inv.stderr, textsafe.Escape(problemText(p)))
	}
	switch {
	case len(e.Problems) > 0 && e.Status == http.StatusUnprocessableEntity:
		return inv.fail("refused, nothing written")
	case e.Status == http.StatusConflict:
		return inv.fail("%v (running the command again reads it again)", err)
	}
	return inv.fail("%v", err)
}

func problemText(p api.Problem) string {
	switch {
	case p.Line > 0:
		return fmt.Sprintf("%s:%d:%d: %s", p.File, p.Line, p.Column, p.Message)
	case p.File != "":
		return p.File + ": " + p.Message
	}
	return p.Message
}

// jobPath is the API path of a job, with a suffix such as "/code".
func jobPath(name, suffix string) string {
	return "/v1/jobs/" + url.PathEscape(name) + suffix
}

// oneName returns the job the command names, or fails with its usage.
func (inv *invocation) oneName(usage string) (string, bool) {
	if len(inv.args) != 1 {
		inv.fail("name one job: jobbox %s", usage)
		return "", false
	}
	return inv.args[0], true
}
