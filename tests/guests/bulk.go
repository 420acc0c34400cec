package guests

// Guests whose work is not an ordinary instruction: bulk memory and table
// operations, table growth and tables too big for the host.

//go:generate wat2wasm fill-loop.wat -o fill-loop.wasm
//go:generate wat2wasm copy-loop.wat -o copy-loop.wasm
//go:generate wat2wasm table-fill.wat -o table-fill.wasm
//go:generate wat2wasm table-grow.wat -o table-grow.wasm
//go:generate wat2wasm many-tables.wat -o many-tables.wasm
//go:generate go run github.com/jobbox/jobbox/host/internal/wasmbuild -o copy-go.wasm ./copy-go
