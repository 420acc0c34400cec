// Package guests holds hostile and malformed guests for the tests, each
// committed with its source. Rebuild them with `go generate ./...` (the .wat
// files need wat2wasm, from Debian's wabt package).
package guests

//go:generate wat2wasm trap.wat -o trap.wasm
//go:generate wat2wasm loop.wat -o loop.wasm
//go:generate wat2wasm grow.wat -o grow.wasm
//go:generate wat2wasm wrong-abi.wat -o wrong-abi.wasm
//go:generate wat2wasm bad-import.wat -o bad-import.wasm
//go:generate wat2wasm no-exports.wat -o no-exports.wasm
//go:generate wat2wasm bad-pointers.wat -o bad-pointers.wasm
//go:generate wat2wasm recurse.wat -o recurse.wasm
//go:generate wat2wasm close-stdout.wat -o close-stdout.wasm
//go:generate wat2wasm init-calls-host.wat -o init-calls-host.wasm
//go:generate go run github.com/jobbox/jobbox/host/internal/wasmbuild -o spin.wasm ./spin
//go:generate go run github.com/jobbox/jobbox/host/internal/wasmbuild -o stateful.wasm ./stateful
//go:generate go run github.com/jobbox/jobbox/host/internal/wasmbuild -o recurse-go.wasm ./recurse
