package tests

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencyGraph keeps the import graph RATIONALE.md draws ("Why the
// dependencies point inward"): each rule names a package and what must never
// be among its dependencies, however indirectly.
func TestDependencyGraph(t *testing.T) {
	t.Parallel()
	const mod = "github.com/jobbox/jobbox/"
	for _, rule := range []struct {
		pkg    string
		banned []string
		why    string
	}{
		{"cmd/jobbox", []string{"github.com/yuin/gopher-lua"}, "the host runs Lua only inside the wasm guest"},
		{"abi", []string{"github.com/", "golang.org/x/", "go.etcd.io/"}, "abi is the contract and imports only the standard library"},
		{"abi/valuejson", []string{"github.com/", "golang.org/x/", "go.etcd.io/"}, "guests and host share it"},
		{"guest-sdk", []string{"github.com/tetratelabs/wazero", mod + "host/"}, "guests never link the host"},
	} {
		out, err := exec.Command("go", "list", "-deps", "../"+rule.pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", rule.pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, b := range rule.banned {
				if strings.HasPrefix(dep, b) && !strings.HasPrefix(dep, mod+"abi") {
					t.Errorf("%s depends on %s, but %s", rule.pkg, dep, rule.why)
				}
			}
		}
	}
}
