package sandbox

import (
	"context"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// An instance is reused for run after run (see pool.recycle): its memory
// and globals are put back as the snapshot had them, but WASI keeps a
// table of open files per instance that a reset cannot reach. A guest
// has no files but its standard streams (no directory is preopened), and
// these three calls are the only ones that change what those are, so the
// host refuses them: a run cannot leave the next one without its stdout.
// Each is named with the number of its i32 parameters.
var refusedWASI = map[string]int{"fd_close": 1, "fd_renumber": 2, "fd_fdstat_set_flags": 2}

// errnoNotSupported is WASI's ENOTSUP.
const errnoNotSupported = 58

// instantiateWASI provides WASI preview 1 with refusedWASI refused.
func instantiateWASI(ctx context.Context, rt wazero.Runtime) error {
	b := rt.NewHostModuleBuilder(wasi_snapshot_preview1.ModuleName)
	wasi_snapshot_preview1.NewFunctionExporter().ExportFunctions(b)
	i32 := api.ValueTypeI32
	for name, n := range refusedWASI {
		params := []api.ValueType{i32, i32}[:n]
		b.NewFunctionBuilder().
			WithGoModuleFunction(api.GoModuleFunc(func(_ context.Context, _ api.Module, stack []uint64) {
				stack[0] = errnoNotSupported
			}), params, []api.ValueType{i32}).
			Export(name)
	}
	_, err := b.Instantiate(ctx)
	return err
}
