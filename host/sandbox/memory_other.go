//go:build !linux

package sandbox

// reserve falls back to the Go heap where anonymous mappings are not used.
func reserve(size uint64) []byte { return make([]byte, size) }

func release([]byte) {}

// imageFile keeps a snapshot's memory on the heap; clones copy it.
type imageFile struct{ view []byte }

func newImageFile(mem []byte) (imageFile, error) {
	return imageFile{view: append([]byte(nil), mem...)}, nil
}

func (f imageFile) mapInto(b []byte, size uint64) error {
	copy(b, f.view[:size])
	return nil
}

func (f imageFile) close() {}
