package main

import (
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// TestCompileErrorsMatchLoad: runs compile job files themselves rather
// than through L.Load, and must report their mistakes in the same words.
func TestCompileErrorsMatchLoad(t *testing.T) {
	t.Parallel()
	for _, src := range []string{
		"local job = core.job(\nreturn job\n",
		"return {\n",
		"x = = 1",
		"goto nowhere",
	} {
		_, loadErr := lua.NewState().Load(strings.NewReader(src), "job.lua")
		_, compileErr := compile(src, "job.lua")
		if loadErr == nil || compileErr == nil {
			t.Fatalf("%q: Load error %v, compile error %v; want both", src, loadErr, compileErr)
		}
		if got, want := compileErr.Error(), luaError(loadErr).Error(); got != want {
			t.Errorf("%q: compile says %q, Load %q", src, got, want)
		}
	}
}
