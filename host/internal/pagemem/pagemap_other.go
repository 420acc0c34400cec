//go:build !linux

package pagemem

// Written cannot tell written pages here: a clone is a copy of its image.
func Written([]byte, *Scan) (Writes, bool) { return nil, false }

// Populate does nothing: a copied clone has no faults to avoid.
func Populate([]byte, []Span) {}
