package main

import (
	"os"
	"testing"

	"github.com/jobbox/jobbox/host/sandbox"
)

// TestMain lets this test binary serve as the compiler child, as main does
// for jobbox itself.
func TestMain(m *testing.M) {
	sandbox.RunCompilerIfChild()
	os.Exit(m.Run())
}
