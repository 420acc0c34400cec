package guests

// Guests of the run-time containment cases: initialisation and preparation
// under the job's limits, and sources only for the engine's Lua guest.

//go:generate wat2wasm init-spin.wat -o init-spin.wasm
//go:generate wat2wasm prepare-spin.wat -o prepare-spin.wasm
//go:generate wat2wasm init-grow.wat -o init-grow.wasm
//go:generate wat2wasm prepare-reads-sources.wat -o prepare-reads-sources.wasm
