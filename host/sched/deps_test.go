package sched

import (
	"os/exec"
	"strings"
	"testing"
)

// TestSchedulerDependencies: the scheduler and the domain vocabulary it
// shares with the sandbox do not link the WebAssembly runtime or the Lua
// interpreter, and the domain package links nothing outside the standard
// library but package abi.
func TestSchedulerDependencies(t *testing.T) {
	t.Parallel()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to list dependencies with")
	}
	deps := func(pkg string) []string {
		out, err := exec.Command(goTool, "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		return strings.Fields(string(out))
	}
	const module = "github.com/jobbox/jobbox/"
	for _, dep := range deps(module + "host/sched") {
		for _, banned := range []string{"github.com/tetratelabs/wazero", "github.com/yuin/gopher-lua", module + "host/sandbox"} {
			if strings.HasPrefix(dep, banned) {
				t.Errorf("host/sched depends on %s", dep)
			}
		}
	}
	for _, dep := range deps(module + "host/domain") {
		if dep != module+"host/domain" && dep != module+"abi" {
			t.Errorf("host/domain depends on %s, outside the standard library and abi", dep)
		}
	}
}
