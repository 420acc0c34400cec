// Command copy-go is a Go guest that copies a 24 MiB slice onto itself,
// shifted by a byte, forever: each copy is one memory.copy instruction of
// the whole slice, which metering must charge by its length.
package main

import sdk "github.com/jobbox/jobbox/guest-sdk"

func init() { sdk.Handle(run) }

func main() {}

func run() (sdk.Status, error) {
	a := make([]byte, 24<<20)
	for {
		copy(a[1:], a)
	}
}
