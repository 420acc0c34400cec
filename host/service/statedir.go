package service

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/jobbox/jobbox/host/internal/jobfile"
)

// SecureStateDir creates the state directory dir (0700) if it is missing,
// and refuses one that another user could change, as ssh refuses keys:
// whoever can write the state directory can replace the admin socket or
// plant compiled code in the compilation cache, which the service maps
// and executes as its own. Refused are: a parent directory that a user
// other than root and the service's own may write (unless it is sticky,
// as /tmp is); the directory, or anything in it, owned by another user or
// writable by group or others; and anything in it that is neither a
// directory, a regular file nor a socket.
func SecureStateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating the state directory %s: %w", dir, err)
	}
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return fmt.Errorf("resolving the state directory %s: %w", dir, err)
	}
	if real, err = filepath.Abs(real); err != nil {
		return fmt.Errorf("resolving the state directory %s: %w", dir, err)
	}
	for parent := filepath.Dir(real); ; parent = filepath.Dir(parent) {
		if err := checkParent(parent, dir); err != nil {
			return err
		}
		if filepath.Dir(parent) == parent {
			break
		}
	}
	return filepath.WalkDir(real, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("checking the state directory %s: %w", dir, err)
		}
		info, err := d.Info()
		if err != nil {
			return fmt.Errorf("checking the state directory %s: %w", dir, err)
		}
		return checkOwn(path, real, info)
	})
}

func checkParent(parent, dir string) error {
	info, err := os.Stat(parent)
	if err != nil {
		return fmt.Errorf("checking %s, a parent of the state directory: %w", parent, err)
	}
	uid, ok := ownerOf(info)
	if !ok {
		return nil
	}
	if uid != 0 && uid != os.Getuid() {
		return fmt.Errorf("%s, a parent of the state directory %s, is owned by uid %d, who could replace the state directory; "+
			"choose a state_dir whose parents only root or the service's user (uid %d) own", parent, dir, uid, os.Getuid())
	}
	if info.Mode().Perm()&0o022 != 0 && info.Mode()&os.ModeSticky == 0 {
		return fmt.Errorf("%s, a parent of the state directory %s, is writable by group or others (mode %s), who could replace the state directory; "+
			"run `chmod go-w %s` or choose another state_dir", parent, dir, info.Mode(), parent)
	}
	return nil
}

// checkOwn checks one entry of the state directory (root).
func checkOwn(path, root string, info fs.FileInfo) error {
	what := "the state directory " + root
	if path != root {
		what = "state file " + path
	}
	mode := info.Mode()
	if mode.Type()&^(fs.ModeDir|fs.ModeSocket) != 0 {
		return errors.New(what + " is " + jobfile.KindOf(mode) + "; jobbox creates only directories, regular files and its socket there, " +
			"so someone else put it there: remove it")
	}
	if uid, ok := ownerOf(info); ok && uid != os.Getuid() {
		return fmt.Errorf("%s is owned by uid %d, not by the service's user (uid %d), so that user can change what the service trusts; "+
			"remove it, or run `chown -R %d %s`", what, uid, os.Getuid(), os.Getuid(), root)
	}
	if mode.Perm()&0o022 != 0 {
		fix := fmt.Sprintf("chmod go-w %s", path)
		if path == root {
			fix = fmt.Sprintf("chmod 700 %s", path)
		}
		return fmt.Errorf("%s is writable by group or others (mode %s), who could replace the admin socket or plant compiled code; run `%s`",
			what, mode, fix)
	}
	return nil
}
