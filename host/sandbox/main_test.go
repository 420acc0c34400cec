package sandbox

import (
	"os"
	"testing"
)

// TestMain lets this test binary serve as the compiler child of the
// engines its tests start with a CacheDir (compilechild.go).
func TestMain(m *testing.M) {
	RunCompilerIfChild()
	os.Exit(m.Run())
}
