// Package luawasm holds the Lua guest, built from guest-sdk/luaguest and
// embedded in the host binary. Rebuild it (and every other committed guest)
// with `go generate ./...`; CI fails when the committed file is stale.
package luawasm

import _ "embed"

//go:generate go run github.com/jobbox/jobbox/host/internal/wasmbuild -o lua.wasm github.com/jobbox/jobbox/guest-sdk/luaguest

// Wasm is the Lua guest module.
//
//go:embed lua.wasm
var Wasm []byte
