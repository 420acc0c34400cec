package sandbox

import (
	"context"
	"fmt"

	"github.com/jobbox/jobbox/abi"
)

// hostLog implements abi.FuncLog ("log").
//
//	input:  a list of values, printed space-separated on one line; during
//	        a check, a list [line, col, message] reports a problem
//	output: nothing
//	codes:  0; 2 (bad encoding)
//	limits: log_lines and log_bytes per run (a check's problems count
//	        alike); breaking either ends the run, naming the limit
func hostLog(ctx context.Context, rs *runState, in []byte) ([]byte, abi.Code) {
	args, err := abi.DecodeList(in)
	if err != nil {
		return errorPayload(abi.CodeBadEncoding, "core.log: %v", err)
	}
	maxLines, maxBytes := rs.job.Limits.LogLines, rs.job.Limits.LogBytes
	if rs.logLines >= maxLines {
		rs.abort(fmt.Sprintf("log limit of %d lines per run exceeded", maxLines))
		return nil, abi.CodeLimit
	}
	var line string
	if rs.checking {
		line = rs.addProblem(args, maxBytes-rs.logBytes)
	} else {
		line = formatLog(args, maxBytes-rs.logBytes)
	}
	if rs.logBytes+len(line) > maxBytes {
		rs.abort(fmt.Sprintf("log limit of %d bytes per run exceeded", maxBytes))
		return nil, abi.CodeLimit
	}
	rs.logLines++
	rs.logBytes += len(line)
	if rs.checking {
		return nil, abi.CodeOK
	}
	rs.logs = append(rs.logs, line)
	rs.engine.logLine(rs.job.Name, line)
	return nil, abi.CodeOK
}

func (e *Engine) logLine(job, line string) {
	if e.opts.OnLog != nil {
		e.opts.OnLog(job, line)
	}
}

// addProblem records a [line, col, message] report of the check export,
// and returns its message, bounded like a log line by limit.
func (rs *runState) addProblem(args []any, limit int) string {
	var p Problem
	if len(args) == 3 {
		line, _ := args[0].(int64)
		col, _ := args[1].(int64)
		msg, _ := args[2].(string)
		p = Problem{Line: int(line), Col: int(col), Message: formatLog([]any{msg}, limit)}
	} else {
		p = Problem{Line: 1, Col: 1, Message: formatLog(args, limit)}
	}
	rs.problems = append(rs.problems, p)
	return p.Message
}
