//go:build unix

package store

import (
	"os"
	"syscall"
)

// lockFile takes the lock bbolt takes on its file (flock), without waiting.
func lockFile(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}
