package sandbox

import (
	"context"

	"github.com/jobbox/jobbox/abi"
)

// hostSources implements abi.FuncSources ("sources", since ABI 1.2).
//
//	input:  nothing
//	output: a list of tables {file, source}: for a snapshot of the Lua
//	        guest, every Lua job file the engine knows (the encoded set is
//	        shared, never changed); for any other instance, its run's own
//	        file at most, none for a compiled guest
//	codes:  0; 4 (not available) outside jobbox_prepare (runState.stage)
//	limits: the set's size counts against the snapshot's run_bytes
func hostSources(_ context.Context, rs *runState, _ []byte) ([]byte, abi.Code) {
	if rs.offerSources {
		return rs.engine.sources.list(), abi.CodeOK
	}
	list := []any{}
	if rs.source != "" {
		list = append(list, sourceEntry(rs.job.File, rs.source))
	}
	out, _ := abi.Encode(list)
	return out, abi.CodeOK
}
