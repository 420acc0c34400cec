//go:build wasm

package sdk

// The raw host imports, the only //go:wasmimport declarations in the SDK.
// Each follows the ABI's one calling convention (abi/SPEC.md): an input
// range, an output range, and an i64 result packing a code and a length.

//go:wasmimport jobbox_v1 log
func hostLog(inPtr, inLen, outPtr, outCap uint32) uint64

//go:wasmimport jobbox_v1 sleep
func hostSleep(inPtr, inLen, outPtr, outCap uint32) uint64

//go:wasmimport jobbox_v1 time
func hostTime(inPtr, inLen, outPtr, outCap uint32) uint64

//go:wasmimport jobbox_v1 job
func hostJob(inPtr, inLen, outPtr, outCap uint32) uint64

//go:wasmimport jobbox_v1 fail
func hostFail(inPtr, inLen, outPtr, outCap uint32) uint64

//go:wasmimport jobbox_v1 result
func hostResult(inPtr, inLen, outPtr, outCap uint32) uint64

//go:wasmimport jobbox_v1 data
func hostData(inPtr, inLen, outPtr, outCap uint32) uint64

//go:wasmimport jobbox_v1 network
func hostNetwork(inPtr, inLen, outPtr, outCap uint32) uint64

//go:wasmimport jobbox_v1 email
func hostEmail(inPtr, inLen, outPtr, outCap uint32) uint64

//go:wasmimport jobbox_v1 mysql
func hostMySQL(inPtr, inLen, outPtr, outCap uint32) uint64

//go:wasmimport jobbox_v1 sources
func hostSources(inPtr, inLen, outPtr, outCap uint32) uint64
