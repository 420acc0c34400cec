package modules

import (
	"context"
	"strings"
	"testing"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/modules/options"
)

// TestEveryModuleIsRegistered: each core module the ABI names is served,
// and a name outside the table fails the call, not the host.
func TestEveryModuleIsRegistered(t *testing.T) {
	t.Parallel()
	h, err := New(options.Set{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	for _, name := range []string{abi.FuncData, abi.FuncNetwork, abi.FuncEmail, abi.FuncMySQL} {
		if h.modules[name] == nil {
			t.Errorf("core.%s has no row in coreModules", name)
		}
	}
	r := h.ForJob("job", options.Grants{}).Open()
	defer r.Close()
	if _, err := r.Call(context.Background(), "nope", "x", nil); err == nil || !strings.Contains(err.Error(), "core.nope is not a module") {
		t.Errorf("an unknown module: %v", err)
	}
}
