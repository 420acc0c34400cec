package guests

// The ABI conformance guests: every host function's codes and the
// pending-result path (abi-conformance.wat), and every run status from a
// compiled guest (statuses).

//go:generate wat2wasm abi-conformance.wat -o abi-conformance.wasm
//go:generate go run github.com/jobbox/jobbox/host/internal/wasmbuild -o statuses.wasm ./statuses
