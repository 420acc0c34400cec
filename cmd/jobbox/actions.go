package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/jobbox/jobbox/host/api"
	"github.com/jobbox/jobbox/host/textsafe"
)

// cmdRunNow asks the service to run a job now, once.
func cmdRunNow(ctx context.Context, inv *invocation) int {
	if len(inv.args) != 1 {
		return inv.fail("name one job: jobbox run-now NAME")
	}
	var m api.ManualRun
	if code := inv.call(ctx, http.MethodPost, jobPath(inv.args[0], "/run-now"), &m); code != exitOK {
		return code
	}
	if inv.json {
		return inv.printJSON(m)
	}
	name := textsafe.Escape(m.Job)
	switch {
	case m.Duplicate:
		fmt.Fprintf(inv.stdout, "job %s: a manual run asked for by %s is already pending\n", name, textsafe.Escape(m.Actor))
	case m.AfterRunInFlight:
		fmt.Fprintf(inv.stdout, "job %s is running; it runs again when that run ends (jobbox history %s)\n", name, name)
	default:
		fmt.Fprintf(inv.stdout, "job %s runs now (jobbox history %s shows the run)\n", name, name)
	}
	return exitOK
}

// auditPage is how many entries `jobbox audit` shows.
const auditPage = 100

// cmdAudit prints the latest entries of the audit log, newest first.
func cmdAudit(ctx context.Context, inv *invocation) int {
	if len(inv.args) != 0 {
		return inv.fail("jobbox audit takes no arguments")
	}
	var page api.AuditPage
	if code := inv.call(ctx, http.MethodGet, fmt.Sprintf("/v1/audit?limit=%d", auditPage), &page); code != exitOK {
		return code
	}
	if inv.json {
		return inv.printJSON(page.Entries)
	}
	for _, e := range page.Entries {
		who := e.Actor
		if e.From != "" {
			who += " from " + e.From
		}
		fmt.Fprintf(inv.stdout, "%s  %s  %s", e.Time.Local().Format(time.DateTime), textsafe.Escape(who), textsafe.Escape(e.Action))
		if e.Job != "" {
			fmt.Fprintf(inv.stdout, " %s", textsafe.Escape(e.Job))
		}
		if e.Before != "" || e.After != "" {
			fmt.Fprintf(inv.stdout, ": %s -> %s", dash(textsafe.Escape(e.Before)), dash(textsafe.Escape(e.After)))
		}
		if e.Error != "" {
			fmt.Fprintf(inv.stdout, " (refused: %s)", textsafe.Escape(e.Error))
		}
		fmt.Fprintln(inv.stdout)
	}
	return exitOK
}
