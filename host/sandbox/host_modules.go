package sandbox

import (
	"context"
	"errors"

	"github.com/jobbox/jobbox/abi"
)

// moduleFunc implements the host function of a core module: abi.FuncData,
// FuncNetwork, FuncEmail and FuncMySQL ("data", "network", "email", "mysql").
//
//	input:  a list [method string, args...]
//	output: the list of results, Coronium style: [value], or [nil, error]
//	        or [nil, error, code] for a failure the module reports
//	codes:  0; 2 (bad encoding); 7 (bad argument) without a method name or
//	        for a call the module refuses; 3 (not granted), naming the job,
//	        when config.toml grants it no module, or not this one (or its
//	        database, collection, origin or sender); 8 (internal) when the
//	        results cannot be encoded
//	limits: results count against run_bytes (WithResultBudget); the run's
//	        slot is handed back while the module works (OffSlot)
func moduleFunc(module string) hostImpl {
	return func(ctx context.Context, rs *runState, in []byte) ([]byte, abi.Code) {
		args, err := abi.DecodeList(in)
		if err != nil {
			return errorPayload(abi.CodeBadEncoding, "core.%s: %v", module, err)
		}
		var name string
		if len(args) > 0 {
			name, _ = args[0].(string)
		}
		if name == "" {
			return errorPayload(abi.CodeBadArgument, "core.%s: the first value must name a method", module)
		}
		if rs.job.Modules == nil {
			return errorPayload(abi.CodeNotGranted, "core.%s is not granted to job %s: grant it in config.toml ([jobs.grants.%s])", module, rs.job.Name, module)
		}
		if rs.modules == nil {
			rs.modules = rs.job.Modules.Open()
		}
		ctx = WithResultBudget(ctx, rs.job.Limits.RunBytes-rs.traffic)
		var results []any
		if !OffSlot(ctx, func() { results, err = rs.modules.Call(ctx, module, name, args[1:]) }) {
			rs.abortAtDeadline(ctx, " (while waiting for a run slot after a core."+module+" call)")
			return nil, abi.CodeLimit
		}
		switch {
		case errors.Is(err, ErrNotGranted):
			return errorPayload(abi.CodeNotGranted, "%v", err)
		case err != nil:
			return errorPayload(abi.CodeBadArgument, "%v", err)
		}
		out, err := abi.Encode(results)
		if err != nil {
			return errorPayload(abi.CodeInternal, "core.%s.%s: encoding the results: %v", module, name, err)
		}
		return out, abi.CodeOK
	}
}
