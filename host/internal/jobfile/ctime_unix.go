//go:build linux || darwin

package jobfile

import (
	"io/fs"
	"syscall"
	"time"
)

// changeTime is the time st's file last changed in any way (its inode's
// ctime), which no one but the kernel sets; ok is false where it is not
// known.
func changeTime(st fs.FileInfo) (t time.Time, ok bool) {
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return time.Time{}, false
	}
	ts := ctimespec(sys)
	return time.Unix(ts.Sec, ts.Nsec), true
}
