package sdk

import (
	"unsafe"

	"github.com/jobbox/jobbox/abi"
)

// scratch receives host results that fit; larger ones are fetched with
// abi.FuncResult into a buffer of their own. A wasm guest has one thread and a
// host call never yields, so one buffer serves every call.
var scratch [16 << 10]byte

type hostFunc = func(inPtr, inLen, outPtr, outCap uint32) uint64

func ptrOf(b []byte) uint32 { return uint32(uintptr(unsafe.Pointer(unsafe.SliceData(b)))) }

const notInWasmMessage = "jobbox guest-sdk: host functions exist only when built with GOOS=wasip1 GOARCH=wasm"

// rawCall calls fn with in and returns its payload. The payload may alias
// the scratch buffer: decode it before the next call.
func rawCall(name string, fn hostFunc, in []byte) ([]byte, error) {
	r := fn(ptrOf(in), uint32(len(in)), ptrOf(scratch[:]), uint32(len(scratch)))
	code, n := abi.UnpackResult(r)
	var payload []byte
	if int(n) <= len(scratch) {
		payload = scratch[:n]
	} else {
		payload = make([]byte, n)
		r2 := hostResult(0, 0, ptrOf(payload), n)
		if c2, _ := abi.UnpackResult(r2); c2 != abi.CodeOK {
			return nil, &abi.CallError{Func: name, Code: c2, Message: name + ": fetching the result failed: " + c2.String()}
		}
	}
	if code != abi.CodeOK {
		msg := string(payload)
		if code == abi.CodeNotAvailable && n == 0 {
			msg = notInWasmMessage
		}
		return nil, &abi.CallError{Func: name, Code: code, Message: msg}
	}
	return payload, nil
}

// call encodes args as a list, calls fn and decodes its result list.
func call(name string, fn hostFunc, args ...any) ([]any, error) {
	in, err := abi.Encode(args)
	if err != nil {
		return nil, err
	}
	out, err := rawCall(name, fn, in)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, nil
	}
	return abi.DecodeList(out)
}
