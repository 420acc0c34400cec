//go:build wasip1

package main

import (
	"runtime"

	sdk "github.com/jobbox/jobbox/guest-sdk"
)

// exportCheck checks the job source the host supplies without running it,
// reports each problem through the log function as [line, col, message] and
// returns how many there were (abi.CheckExport).
//
//go:wasmexport jobbox_check
func exportCheck() int32 {
	defer runtime.Gosched()
	info, err := sdk.JobInfo()
	if err != nil {
		sdk.Fail(err.Error())
		return -1
	}
	problems := check(info.Source, info.File)
	for _, p := range problems {
		_ = sdk.Log(p.Line, p.Col, p.Message)
	}
	return int32(len(problems))
}
