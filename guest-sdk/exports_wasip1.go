//go:build wasip1

package sdk

import (
	"runtime"

	"github.com/jobbox/jobbox/abi"
)

//go:wasmexport jobbox_abi_version
func exportABIVersion() int32 { return abi.Version }

//go:wasmexport jobbox_run
func exportRun() int32 {
	// Go schedules no other goroutine once an exported call returns, so the
	// GC's background workers would never run between calls (golang/go#69584,
	// knqyf263/go-plugin#78). Yielding before returning lets them finish.
	defer runtime.Gosched()
	return int32(runJob())
}

// exportPrepare runs the function registered with Prepare, then collects
// garbage, so the snapshot the host takes next holds no garbage and no
// collection half done for every run to finish (abi.PrepareExport), and
// warms the allocator the collection emptied (see warmAllocator).
//
//go:wasmexport jobbox_prepare
func exportPrepare() {
	if prepare != nil {
		prepare()
	}
	runtime.GC()
	warmAllocator()
}
