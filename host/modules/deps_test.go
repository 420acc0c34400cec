package modules

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestModuleDependencies keeps the graph RATIONALE.md draws ("Why core
// modules are registered from one table"): the security policy and the
// modules' options link nothing outside the standard library but what they
// build on, the modules never read the config, and the config never links
// a module's implementation (a database driver, the sandbox).
func TestModuleDependencies(t *testing.T) {
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
	const mod = "github.com/jobbox/jobbox/"
	only := map[string][]string{
		mod + "host/policy":          {mod + "host/policy"},
		mod + "host/modules/options": {mod + "host/modules/options", mod + "host/policy"},
	}
	for pkg, allowed := range only {
		for _, dep := range deps(pkg) {
			if !slices.Contains(allowed, dep) {
				t.Errorf("%s depends on %s, outside the standard library and %q", pkg, dep, allowed)
			}
		}
	}
	for _, rule := range []struct {
		pkg, except string
		banned      []string
	}{
		{mod + "host/modules", "", []string{mod + "host/config"}},
		{mod + "host/config", mod + "host/modules/options", []string{mod + "host/modules", mod + "host/sandbox", "github.com/go-sql-driver/", "code.dny.dev/"}},
	} {
		for _, dep := range deps(rule.pkg) {
			for _, b := range rule.banned {
				if strings.HasPrefix(dep, b) && dep != rule.except {
					t.Errorf("%s depends on %s", rule.pkg, dep)
				}
			}
		}
	}
}
