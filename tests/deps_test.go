package tests

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestDependencyGraph keeps the import graph RATIONALE.md draws: the
// product binary never links gopher-lua (the Lua interpreter runs inside
// wasm), abi and the guest SDK link nothing of the host, the scheduler and
// its domain vocabulary never link the WebAssembly runtime ("Why the
// scheduler depends on a domain package"), the security policy is standard
// library, the modules' options link only it and the typed setting values
// (with their TOML decoder), the modules never read the config, and the config never links a module's implementation ("Why core
// modules are registered from one table").
func TestDependencyGraph(t *testing.T) {
	t.Parallel()
	const (
		mod    = "github.com/jobbox/jobbox/"
		goTOML = "github.com/pelletier/go-toml/v2/..."
	)
	deps := func(pkg string) []string {
		out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", mod+pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		return strings.Fields(string(out))
	}
	// Packages that may depend on nothing outside the standard library
	// but themselves and what is listed (a trailing "/..." allows a
	// module's every package).
	for pkg, allowed := range map[string][]string{
		"abi":                  {"abi"},
		"abi/valuejson":        {"abi/valuejson", "abi"},
		"host/domain":          {"host/domain", "abi"},
		"host/policy":          {"host/policy"},
		"host/web":             {"host/web"},
		"host/setting":         {"host/setting", goTOML},
		"host/modules/options": {"host/modules/options", "host/policy", "host/setting", goTOML},
		// The admin API: standard library and golang.org/x/crypto's
		// password hashes (docs/admin-api.md).
		"host/api": {"host/api", "host/clock", "golang.org/x/crypto/argon2", "golang.org/x/crypto/bcrypt",
			"golang.org/x/crypto/blake2b", "golang.org/x/crypto/blowfish", "golang.org/x/sys/cpu"},
	} {
		for _, dep := range deps(pkg) {
			if !slices.ContainsFunc(allowed, func(a string) bool { return allows(a, strings.TrimPrefix(dep, mod)) }) {
				t.Errorf("%s depends on %s, outside the standard library and %q", pkg, dep, allowed)
			}
		}
	}
	// Packages that must never depend on what is listed (prefixes), but
	// for one exception.
	for _, rule := range []struct {
		pkg, except string
		banned      []string
	}{
		{"cmd/jobbox", "", []string{"github.com/yuin/gopher-lua"}},
		{"guest-sdk", "", []string{"github.com/tetratelabs/wazero", mod + "host/"}},
		{"host/sched", "", []string{"github.com/tetratelabs/wazero", "github.com/yuin/gopher-lua", mod + "host/sandbox"}},
		{"host/modules", "", []string{mod + "host/config"}},
		{"host/config", mod + "host/modules/options", []string{mod + "host/modules", mod + "host/sandbox", "github.com/go-sql-driver/", "code.dny.dev/"}},
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

// allows reports whether the allowed entry a names pkg: exactly, or as a
// pattern ending in "/..." that pkg falls under.
func allows(a, pkg string) bool {
	if root, ok := strings.CutSuffix(a, "/..."); ok {
		return pkg == root || strings.HasPrefix(pkg, root+"/")
	}
	return a == pkg
}
