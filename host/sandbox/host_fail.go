package sandbox

import (
	"context"
	"strings"

	"github.com/jobbox/jobbox/abi"
)

// maxFailureBytes bounds the error message a guest may store.
const maxFailureBytes = 4 << 10

// hostFail implements abi.FuncFail ("fail").
//
//	input:  the run's error message as raw UTF-8 bytes (not encoded);
//	        invalid UTF-8 becomes "?"
//	output: nothing
//	codes:  0
//	limits: the first maxFailureBytes are kept; the first call's message wins
func hostFail(_ context.Context, rs *runState, in []byte) ([]byte, abi.Code) {
	msg := strings.ToValidUTF8(string(in[:min(len(in), maxFailureBytes)]), "?")
	if rs.failure == "" {
		rs.failure = msg
	}
	return nil, abi.CodeOK
}

// hostResult implements abi.FuncResult ("result").
//
//	input:  nothing
//	output: the payload the previous call kept because it did not fit the
//	        guest's buffer (see deliver); delivered like any payload, so a
//	        buffer still too small keeps it pending again
//	codes:  0; 6 (no result) when nothing is pending
func hostResult(_ context.Context, rs *runState, _ []byte) ([]byte, abi.Code) {
	if rs.pending == nil {
		return errorPayload(abi.CodeNoResult, "result: no result is pending")
	}
	return rs.pending, abi.CodeOK
}
