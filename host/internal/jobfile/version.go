package jobfile

import (
	"io/fs"
	"os"
	"time"
)

// Version is what a file's status says of its content when it was read:
// the file it belongs to (device and inode, after symlinks), its size,
// mode, and modification and change times. Every write changes some of
// them, so a status that matches says the content is the one read, with
// one gap: a write in the same tick of the file system's clock as the read
// leaves the times as they were. A version is therefore trusted only when
// its file had held still for settleTime before it was read (Git's "racy
// clean" rule), and only where the change time, which no one but the
// kernel sets, is known.
type Version struct {
	st      fs.FileInfo
	ctime   time.Time
	trusted bool
}

// settleTime is above the coarsest clock of a common file system (FAT's
// two seconds).
const settleTime = 2 * time.Second

// VersionOf is the version of the file with status st, read from readAt.
func VersionOf(st fs.FileInfo, readAt time.Time) Version {
	ctime, known := changeTime(st)
	return Version{st: st, ctime: ctime, trusted: known && settled(st, ctime, readAt)}
}

// Info is the status the version was taken from.
func (v Version) Info() fs.FileInfo { return v.st }

// Matches reports whether st is the status v was taken from.
func (v Version) Matches(st fs.FileInfo) bool {
	if v.st == nil || st == nil {
		return false
	}
	ctime, _ := changeTime(st)
	return os.SameFile(v.st, st) && v.st.Size() == st.Size() && v.st.Mode() == st.Mode() &&
		v.st.ModTime().Equal(st.ModTime()) && v.ctime.Equal(ctime)
}

// Unchanged reports whether the file s names still has version v, and v
// can be trusted to say so: one stat, no open. A file that is now refused
// (a cap lowered since) is not unchanged.
func Unchanged(s Spec, v Version) bool {
	if !v.trusted {
		return false
	}
	st, err := os.Stat(s.Path)
	return err == nil && v.Matches(st) && s.check(st) == nil
}

// settled reports whether a file with status st and change time ctime,
// read at readAt, had not changed for settleTime before.
func settled(st fs.FileInfo, ctime, readAt time.Time) bool {
	latest := st.ModTime()
	if ctime.After(latest) {
		latest = ctime
	}
	return readAt.Sub(latest) > settleTime
}
