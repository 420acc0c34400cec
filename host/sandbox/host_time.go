package sandbox

import (
	"context"

	"github.com/jobbox/jobbox/abi"
)

// hostTime implements abi.FuncTime ("time").
//
//	input:  nothing
//	output: a list [unix_nanos int, utc_offset_seconds int, zone string]:
//	        the engine's clock (Options.Now), and the offset of the
//	        configured timezone (SetLocation) at that instant
//	codes:  0
func hostTime(_ context.Context, rs *runState, _ []byte) ([]byte, abi.Code) {
	now := rs.engine.opts.Now().In(rs.engine.location.Load())
	zone, offset := now.Zone()
	out, _ := abi.Encode([]any{now.UnixNano(), offset, zone})
	return out, abi.CodeOK
}
