package sandbox

import (
	"context"

	"github.com/jobbox/jobbox/abi"
)

// hostJob implements abi.FuncJob ("job").
//
//	input:  nothing
//	output: a table {name, file, source}: the job's name and file as
//	        configured; source is the Lua job file read for this run, empty
//	        for a compiled guest
//	codes:  0
func hostJob(_ context.Context, rs *runState, _ []byte) ([]byte, abi.Code) {
	out, _ := abi.Encode(abi.Table{
		{Key: "name", Value: rs.job.Name},
		{Key: "file", Value: rs.job.File},
		{Key: "source", Value: rs.source},
	})
	return out, abi.CodeOK
}
