package main

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/jobbox/jobbox/host/api"
	"github.com/jobbox/jobbox/host/config"
)

func TestHashPasswordCommand(t *testing.T) {
	t.Parallel()
	var out, errOut strings.Builder
	inv := &invocation{name: "hash-password", role: "operator", args: []string{"ann"}, stdin: strings.NewReader("s3cret pass\n"), stdout: &out, stderr: &errOut}
	if code := cmdHashPassword(context.Background(), inv); code != exitOK {
		t.Fatalf("%d %q", code, errOut.String())
	}
	c := config.DefaultConfig()
	if err := c.Parse([]byte("[admin]\n"+out.String()), "config.toml"); err != nil {
		t.Fatalf("the printed entry does not parse: %v\n%s", err, out.String())
	}
	u := c.Admin.Users[0]
	if u.Name != "ann" || u.Role != "operator" || !api.CheckPassword(u.PasswordHash, "s3cret pass") {
		t.Fatalf("entry %+v", u)
	}
	inv.stdin, inv.stdout = strings.NewReader(""), &strings.Builder{}
	if code := cmdHashPassword(context.Background(), inv); code != exitFail || !strings.Contains(errOut.String(), "the password is empty") {
		t.Fatalf("empty password: %d %q", code, errOut.String())
	}
}

func TestNewTokenCommand(t *testing.T) {
	t.Parallel()
	code, out, errOut := jobbox(t, "new-token", "ci", "--role", "admin")
	token := strings.TrimSpace(out)
	if code != 0 || !strings.HasPrefix(token, "jbx_") {
		t.Fatalf("%d %q %q", code, out, errOut)
	}
	hash := regexp.MustCompile(`token_hash = "(sha256:[0-9a-f]{64})"`).FindStringSubmatch(errOut)
	if hash == nil || hash[1] != api.TokenHash(token) || !strings.Contains(errOut, `role = "admin"`) {
		t.Fatalf("entry: %q", errOut)
	}
	if code, _, errOut := jobbox(t, "new-token", "ci", "--role", "root"); code != 1 || !strings.Contains(errOut, "--role must be") {
		t.Fatalf("bad role: %d %q", code, errOut)
	}
}
