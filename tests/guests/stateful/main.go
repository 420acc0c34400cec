// Command stateful counts its runs in a package variable and fails if it
// ever sees a count left by an earlier run: each run must start fresh.
package main

import (
	"fmt"

	sdk "github.com/jobbox/jobbox/guest-sdk"
)

func init() { sdk.Handle(run) }

func main() {}

var runs int

func run() (sdk.Status, error) {
	runs++
	if runs != 1 {
		return 0, fmt.Errorf("this instance has run %d times: state leaked between runs", runs)
	}
	return sdk.OK, nil
}
