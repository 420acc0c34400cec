package sdk

import "unsafe"

// warmSizes are the allocation sizes, up to 2 KiB, of the Go runtime's
// size classes (runtime/sizeclasses.go).
var warmSizes = [...]uintptr{8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256,
	288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792, 2048}

// warmSink keeps the compiler from putting warmAllocator's objects on the
// stack.
var warmSink any

// warmAllocator gives the allocator's per-P cache a span with free slots
// in every small size class, pointerful and pointer-free, and drops what
// it allocated. The host snapshots the guest after prepare, and the
// runtime.GC before this emptied that cache: without it, every run that
// starts from the snapshot refills the cache for each size class it uses,
// about 14 refills and a fifth of a trivial Lua run's time
// (BENCHMARKS.md, Session 8). The spans come from the heap's partly used
// ones, so the linear memory does not grow.
func warmAllocator() {
	for _, n := range warmSizes {
		warmSink = make([]byte, n)
		warmSink = make([]unsafe.Pointer, max(n/unsafe.Sizeof(unsafe.Pointer(nil)), 1))
	}
	warmSink = nil
}
