package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"

	"github.com/jobbox/jobbox/host/api"
	"github.com/jobbox/jobbox/host/service"
	"github.com/jobbox/jobbox/host/textsafe"
)

// maxCode bounds the code `jobbox code put` sends: the API takes 4 MiB.
const maxCode = 4 << 20

// cmdCodeGet writes a job's Lua code to standard output or to -o FILE.
func cmdCodeGet(ctx context.Context, inv *invocation) int {
	name, ok := inv.oneName("code get NAME [-o FILE]")
	if !ok {
		return exitFail
	}
	var c api.Code
	if _, code := inv.send(ctx, service.Call{Method: http.MethodGet, Path: jobPath(name, "/code"), Out: &c}); code != exitOK {
		return code
	}
	if inv.json {
		return inv.printJSON(c)
	}
	if inv.edit.out != "" {
		if err := os.WriteFile(inv.edit.out, []byte(c.Code), 0o644); err != nil {
			return inv.fail("writing the code of job %s: %v", textsafe.Escape(name), err)
		}
		return exitOK
	}
	if isTerminal(inv.stdout) {
		// Code an attacker may have written must not drive the terminal.
		fmt.Fprintln(inv.stdout, escapeLines(c.Code))
		return exitOK
	}
	_, _ = io.WriteString(inv.stdout, c.Code)
	return exitOK
}

// cmdCodePut saves FILE as a job's code, if it passes the checks of
// `jobbox check`; the next run uses it, with no reload.
func cmdCodePut(ctx context.Context, inv *invocation) int {
	if len(inv.args) != 2 {
		return inv.fail("name the job and the file: jobbox code put NAME FILE")
	}
	name, file := inv.args[0], inv.args[1]
	src, err := readCode(file)
	if err != nil {
		return inv.fail("%v", err)
	}
	etag, code := inv.send(ctx, service.Call{Method: http.MethodGet, Path: jobPath(name, "/code")})
	if code != exitOK {
		return code
	}
	var saved api.Code
	body := map[string]string{"code": src}
	if _, code := inv.send(ctx, service.Call{Method: http.MethodPut, Path: jobPath(name, "/code"), Body: body, IfMatch: etag, Out: &saved}); code != exitOK {
		return code
	}
	if inv.json {
		return inv.printJSON(saved)
	}
	fmt.Fprintf(inv.stdout, "job %s: saved %s; its next run uses it\n", textsafe.Escape(name), textsafe.Escape(saved.File))
	return exitOK
}

func readCode(file string) (string, error) {
	f, err := os.Open(file)
	if err != nil {
		return "", fmt.Errorf("reading the code: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxCode+1))
	if err != nil {
		return "", fmt.Errorf("reading the code: %w", err)
	}
	if len(data) > maxCode {
		return "", fmt.Errorf("%s is larger than the %d MiB the API takes", file, maxCode>>20)
	}
	return string(data), nil
}
