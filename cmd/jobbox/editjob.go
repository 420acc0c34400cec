package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/jobbox/jobbox/host/api"
	"github.com/jobbox/jobbox/host/service"
	"github.com/jobbox/jobbox/host/textsafe"
)

// cmdJobShow prints a job's [[jobs]] table as its file holds it.
func cmdJobShow(ctx context.Context, inv *invocation) int {
	_, fields, etag, code := inv.readJob(ctx, "job show NAME")
	if code != exitOK {
		return code
	}
	if inv.json {
		return inv.printJSON(fields)
	}
	fmt.Fprintf(inv.stdout, "# etag %s\n[[jobs]]\n", textsafe.Escape(etag))
	var tables []string
	for _, k := range keyOrder(fields) {
		if _, ok := fields[k].(map[string]any); ok {
			tables = append(tables, k)
			continue
		}
		fmt.Fprintf(inv.stdout, "%s = %s\n", textsafe.Escape(k), tomlText(fields[k]))
	}
	for _, t := range tables {
		fmt.Fprintf(inv.stdout, "[jobs.%s]\n", textsafe.Escape(t))
		sub := fields[t].(map[string]any)
		for _, k := range keyOrder(sub) {
			fmt.Fprintf(inv.stdout, "%s = %s\n", textsafe.Escape(k), tomlText(sub[k]))
		}
	}
	return exitOK
}

// readJob reads the table of the job the command names, and its ETag.
func (inv *invocation) readJob(ctx context.Context, usage string) (string, api.Fields, string, int) {
	name, ok := inv.oneName(usage)
	if !ok {
		return "", nil, "", exitFail
	}
	var fields api.Fields
	etag, code := inv.send(ctx, service.Call{Method: http.MethodGet, Path: jobPath(name, "/config"), Out: &fields})
	return name, fields, etag, code
}

// keyOrder lists a table's keys as an edit writes a new one: name, file,
// interval, run_once, active, then the rest sorted.
func keyOrder(m map[string]any) []string {
	first := []string{"name", "file", "interval", "run_once", "active"}
	var keys, rest []string
	for _, k := range first {
		if _, ok := m[k]; ok {
			keys = append(keys, k)
		}
	}
	for k := range m {
		if !slices.Contains(first, k) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	return append(keys, rest...)
}

// tomlText writes a value as TOML writes it: a JSON string, number, bool
// or array of them is TOML too; control characters come out escaped.
func tomlText(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprintf("%q", fmt.Sprint(v))
	}
	return textsafe.Escape(strings.TrimSuffix(b.String(), "\n"))
}

// cmdJobCreate adds a job to config.toml or to the --target file.
func cmdJobCreate(ctx context.Context, inv *invocation) int {
	name, ok := inv.oneName("job create NAME --file FILE --interval SECONDS")
	if !ok {
		return exitFail
	}
	fields := inv.edit.apply(api.Fields{"name": name})
	if inv.edit.target != "" {
		fields["target"] = inv.edit.target
	}
	var edit api.Edit
	if _, code := inv.send(ctx, service.Call{Method: http.MethodPost, Path: "/v1/jobs", Body: fields, Out: &edit}); code != exitOK {
		return code
	}
	return inv.edited(edit, "created in")
}

// cmdJobUpdate changes the keys its flags give and keeps the rest, with
// the ETag of the table it read, so a change made meanwhile is refused
// rather than overwritten.
func cmdJobUpdate(ctx context.Context, inv *invocation) int {
	name, fields, etag, code := inv.readJob(ctx, "job update NAME [--file FILE] [--interval SECONDS] [--run-once] [--inactive] [--grant MODULE=VALUE]")
	if code != exitOK {
		return code
	}
	before := len(fields)
	fields = inv.edit.apply(fields)
	if !inv.edit.changes() {
		return inv.fail("nothing to change: give --file, --interval, --run-once, --inactive or --grant (%d keys kept)", before)
	}
	var edit api.Edit
	if _, code := inv.send(ctx, service.Call{Method: http.MethodPut, Path: jobPath(name, ""), Body: fields, IfMatch: etag, Out: &edit}); code != exitOK {
		return code
	}
	return inv.edited(edit, "updated in")
}

// apply sets the keys the flags give in fields.
func (o *editOptions) apply(fields api.Fields) api.Fields {
	if o.given("file") {
		fields["file"] = o.file
	}
	if o.given("interval") {
		fields["interval"] = o.interval
	}
	if o.given("run-once") {
		fields["run_once"] = o.runOnce
	}
	if o.given("inactive") {
		fields["active"] = !o.inactive
	}
	if o.given("grant") {
		fields["grants"] = map[string][]string(o.grants)
	}
	return fields
}

func (o *editOptions) changes() bool {
	return o.given("file") || o.given("interval") || o.given("run-once") || o.given("inactive") || o.given("grant")
}

// cmdJobDelete removes a job's table. It asks no question, so that
// scripts can use it, but wants --yes: a delete cannot be undone.
func cmdJobDelete(ctx context.Context, inv *invocation) int {
	if !inv.edit.yes {
		return inv.fail("deleting a job cannot be undone: add --yes to delete it")
	}
	name, _, etag, code := inv.readJob(ctx, "job delete NAME --yes")
	if code != exitOK {
		return code
	}
	var edit api.Edit
	if _, code := inv.send(ctx, service.Call{Method: http.MethodDelete, Path: jobPath(name, ""), IfMatch: etag, Out: &edit}); code != exitOK {
		return code
	}
	return inv.edited(edit, "deleted from")
}

// edited says what an edit wrote; the service has reloaded by then.
func (inv *invocation) edited(edit api.Edit, what string) int {
	if inv.json {
		return inv.printJSON(edit)
	}
	fmt.Fprintf(inv.stdout, "job %s %s %s, and the service reloaded", textsafe.Escape(edit.Job), what, textsafe.Escape(edit.ConfigFile))
	if edit.CreatedFile != "" {
		fmt.Fprintf(inv.stdout, "; its code starts from the template in %s (jobbox code put)", textsafe.Escape(edit.CreatedFile))
	}
	fmt.Fprintln(inv.stdout)
	return exitOK
}
