//go:build !linux

package sandbox

// reserve falls back to the Go heap where anonymous mappings are not used.
func reserve(size uint64) []byte { return make([]byte, size) }

func release([]byte) {}
