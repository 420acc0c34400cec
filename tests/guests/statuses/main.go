// Command statuses returns the status its job's name asks for: a job named
// "status-ok" returns OK, and so on for sleep, stop and exit; "status-error"
// fails with a message. It shows each status of abi/SPEC.md reaching the
// scheduler from a compiled guest.
package main

import (
	"errors"
	"strings"

	sdk "github.com/jobbox/jobbox/guest-sdk"
)

func init() { sdk.Handle(run) }

func main() {}

func run() (sdk.Status, error) {
	info, err := sdk.JobInfo()
	if err != nil {
		return 0, err
	}
	switch strings.TrimPrefix(info.Name, "status-") {
	case "ok":
		return sdk.OK, nil
	case "sleep":
		return sdk.Sleep, nil
	case "stop":
		return sdk.Stop, nil
	case "exit":
		return sdk.Exit, nil
	}
	return 0, errors.New("asked to fail by the job's name " + info.Name)
}
