package bench

// nativeLua runs a Lua job source with gopher-lua natively, for the cases'
// sandboxed / native ratios. It is nil unless the binary is built with the
// nativelua tag (native_lua.go), and the cases then leave those rows out.
var nativeLua func(src string) error

// nativeNote is what a case says in place of its native rows.
const nativeNote = "native rows: build with -tags nativelua"
