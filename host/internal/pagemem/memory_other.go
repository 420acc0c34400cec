//go:build !linux

package pagemem

// Reserve falls back to the Go heap where anonymous mappings are not used.
func Reserve(size uint64) []byte { return make([]byte, size) }

// Release does nothing: the Go heap reclaims the memory.
func Release([]byte) {}

// Image keeps a snapshot's memory on the heap; clones copy it.
type Image struct{ view []byte }

// NewImage copies mem into a new image.
func NewImage(mem []byte) (Image, error) {
	return Image{view: append([]byte(nil), mem...)}, nil
}

// MapInto copies the first size bytes of the image into b.
func (f Image) MapInto(b []byte, size uint64) error {
	copy(b, f.view[:size])
	return nil
}

// View is the image's contents, read-only.
func (f Image) View() []byte { return f.view }

// Close does nothing: the Go heap reclaims the memory.
func (f Image) Close() {}
