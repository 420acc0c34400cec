//go:build !unix

package store

import "os"

// lockFile does nothing here: Restore relies on the service being stopped.
func lockFile(*os.File) error { return nil }
