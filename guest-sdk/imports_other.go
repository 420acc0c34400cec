//go:build !wasm

package sdk

import "github.com/jobbox/jobbox/abi"

// Outside a wasm build there is no host: every call reports that, so code
// using the SDK still compiles and its pure logic can be unit-tested natively.

func notInWasm(_, _, _, _ uint32) uint64 {
	return abi.PackResult(abi.CodeNotAvailable, 0)
}

var (
	hostLog     = notInWasm
	hostTime    = notInWasm
	hostSleep   = notInWasm
	hostJob     = notInWasm
	hostFail    = notInWasm
	hostResult  = notInWasm
	hostData    = notInWasm
	hostNetwork = notInWasm
	hostEmail   = notInWasm
	hostMySQL   = notInWasm
	hostSources = notInWasm
)
