//go:build unix

package service

import (
	"io/fs"
	"net"
	"syscall"
)

// ownerOf returns the uid that owns a file.
func ownerOf(info fs.FileInfo) (int, bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return int(st.Uid), true
}

// listenPrivate listens on a unix socket created with mode 0600, so it is
// never open to others, not even between its creation and a chmod.
func listenPrivate(path string) (net.Listener, error) {
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	return net.Listen("unix", path)
}
