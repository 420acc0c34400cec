// Command hello-go is a compiled jobbox job: a Go program built with the
// guest SDK. It logs a greeting with the day and returns OK, or SLEEP on
// Sundays, to show the helpers of the Lua API done in Go. Rebuild
// jobs/hello-go.wasm with `go generate ./...`.
package main

import (
	sdk "github.com/jobbox/jobbox/guest-sdk"
)

//go:generate go run github.com/jobbox/jobbox/host/internal/wasmbuild -o ../hello-go.wasm .

func init() { sdk.Handle(run) }

func main() {}

func run() (sdk.Status, error) {
	info, err := sdk.JobInfo()
	if err != nil {
		return 0, err
	}
	now, err := sdk.LocalNow()
	if err != nil {
		return 0, err
	}
	if err := sdk.Log("hello from", info.Name, "on", now.Weekday().String(), now.Format("15:04")); err != nil {
		return 0, err
	}
	if now.Weekday() == 0 {
		return sdk.Sleep, nil
	}
	return sdk.OK, nil
}
