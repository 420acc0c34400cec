package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"

	"github.com/jobbox/jobbox/host/service"
	"github.com/jobbox/jobbox/host/store"
	"github.com/jobbox/jobbox/host/textsafe"
)

// storePath is the state store file of the config's state directory.
func (inv *invocation) storePath() (string, error) {
	dir, err := inv.stateDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, service.StoreFile), nil
}

// cmdStoreCheck checks the state store: the file itself when no service
// holds it, else through the running service.
func cmdStoreCheck(ctx context.Context, inv *invocation) int {
	if len(inv.args) != 0 {
		return inv.fail("store check takes no arguments, got %q", inv.args)
	}
	path, err := inv.storePath()
	if err != nil {
		return inv.fail("%v", err)
	}
	r, err := store.CheckFile(path)
	if errors.Is(err, store.ErrLocked) {
		r, err = store.Report{}, nil
		if code := inv.call(ctx, http.MethodGet, "/v1/store/check", &r); code != exitOK {
			return code
		}
	}
	if err != nil {
		return inv.fail("%v", err)
	}
	if inv.json {
		_ = json.NewEncoder(inv.stdout).Encode(r)
	} else {
		printReport(inv.stdout, r)
	}
	if !r.OK() {
		return exitFail
	}
	return exitOK
}

func printReport(w io.Writer, r store.Report) {
	fmt.Fprintf(w, "%s: %d bytes, %d jobs, %d runs, %d collections with %d documents\n",
		textsafe.Escape(r.Path), r.Bytes, r.Jobs, r.Runs, r.Collections, r.Documents)
	if r.OK() {
		fmt.Fprintln(w, "consistent")
		return
	}
	for _, p := range r.Problems {
		fmt.Fprintf(w, "damaged: %s\n", textsafe.Escape(p))
	}
	fmt.Fprintln(w, "To recover, stop the service and restore the latest backup: jobbox store restore FILE.\n"+
		"Without a backup, `jobbox serve --new-store` starts on an empty store, forgetting which jobs are deactivated.")
}

// cmdStoreBackup copies the state store to a new file: from the file when
// no service holds it, else from the running service, which goes on.
func cmdStoreBackup(ctx context.Context, inv *invocation) int {
	if len(inv.args) != 1 {
		return inv.fail("name the backup file: jobbox store backup FILE")
	}
	to := inv.args[0]
	if _, err := os.Lstat(to); err == nil && !inv.force {
		return inv.fail("%s exists; choose another name, or replace it with --force", to)
	}
	path, err := inv.storePath()
	if err != nil {
		return inv.fail("%v", err)
	}
	err = store.BackupFile(path, to)
	if errors.Is(err, store.ErrLocked) {
		c, cerr := inv.client()
		if cerr != nil {
			return inv.fail("%v", cerr)
		}
		err = store.WriteBackup(to, func(w io.Writer) error { return c.Download(ctx, "/v1/store/backup", w) })
	}
	if err != nil {
		return inv.fail("%v", err)
	}
	fmt.Fprintf(inv.stdout, "backed up %s to %s\n", textsafe.Escape(path), textsafe.Escape(to))
	return exitOK
}

// cmdStoreRestore replaces the state store with a checked backup, keeping
// the replaced file beside it. The service must be stopped.
func cmdStoreRestore(_ context.Context, inv *invocation) int {
	if len(inv.args) != 1 {
		return inv.fail("name the backup file: jobbox store restore FILE")
	}
	path, err := inv.storePath()
	if err != nil {
		return inv.fail("%v", err)
	}
	if err := service.SecureStateDir(filepath.Dir(path)); err != nil {
		return inv.fail("%v", err)
	}
	aside, err := store.Restore(inv.args[0], path)
	if errors.Is(err, store.ErrLocked) {
		return inv.fail("the service is running on %s; stop it, then restore", path)
	}
	if err != nil {
		return inv.fail("%v", err)
	}
	fmt.Fprintf(inv.stdout, "restored %s from %s\n", textsafe.Escape(path), textsafe.Escape(inv.args[0]))
	if aside != "" {
		fmt.Fprintf(inv.stdout, "the store it replaced is kept as %s\n", textsafe.Escape(aside))
	}
	return exitOK
}
