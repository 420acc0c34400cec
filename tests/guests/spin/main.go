// Command spin is a Go guest that spins in a tight loop and never returns.
package main

import sdk "github.com/jobbox/jobbox/guest-sdk"

func init() { sdk.Handle(run) }

func main() {}

var sink int

func run() (sdk.Status, error) {
	for i := 0; ; i++ {
		sink += i
	}
}
