package jobfile

import (
	"io/fs"
	"syscall"
	"time"
)

// changeTime: see ctime_linux.go.
func changeTime(st fs.FileInfo) (t time.Time, ok bool) {
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return time.Time{}, false
	}
	return time.Unix(sys.Ctimespec.Sec, sys.Ctimespec.Nsec), true
}
