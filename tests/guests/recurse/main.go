// Command recurse is a Go guest that recurses without end. Go grows its
// goroutine stack in linear memory; the host's stack depth limit must end
// the run before that or the wasm call stack exhausts anything.
package main

import sdk "github.com/jobbox/jobbox/guest-sdk"

func init() { sdk.Handle(run) }

func main() {}

//go:noinline
func down(n int) int { return down(n+1) + 1 }

func run() (sdk.Status, error) {
	down(0)
	return sdk.OK, nil
}
