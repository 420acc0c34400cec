package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// populated writes a store with a deactivated job and enough history to
// span many pages, and a backup of it; it returns both paths.
func populated(t *testing.T) (path, backup string) {
	t.Helper()
	dir := t.TempDir()
	path, backup = filepath.Join(dir, "jobbox.db"), filepath.Join(dir, "backup.db")
	s, err := OpenBolt(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 40 {
		run := Run{Job: "a", Start: start, End: start, Status: "OK", Logs: []string{strings.Repeat("x", 2000)}}
		if err := s.RecordRun(ctx, JobState{Name: "a", Runs: int64(i + 1)}, run, 1000); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SaveJob(ctx, JobState{Name: "gone", Deactivated: true, Reason: ReasonExit}); err != nil {
		t.Fatal(err)
	}
	if r := s.Check(); !r.OK() || r.Jobs != 2 || r.Runs != 40 {
		t.Fatalf("check of a sound store: %+v", r)
	}
	f, err := os.Create(backup)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Backup(f, nil); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path, backup
}

func TestDamagedStoreIsRefusedAndRestored(t *testing.T) {
	t.Parallel()
	damages := map[string]func(t *testing.T, path string){
		"truncated to half": func(t *testing.T, path string) {
			st, _ := os.Stat(path)
			must(t, os.Truncate(path, st.Size()/2))
		},
		"truncated to zero": func(t *testing.T, path string) { must(t, os.Truncate(path, 0)) },
		"truncated to one page": func(t *testing.T, path string) {
			must(t, os.Truncate(path, 4096))
		},
		"zeroed": func(t *testing.T, path string) {
			st, _ := os.Stat(path)
			must(t, os.WriteFile(path, make([]byte, st.Size()), 0o600))
		},
		"random pages": func(t *testing.T, path string) {
			data, err := os.ReadFile(path)
			must(t, err)
			rng := rand.New(rand.NewPCG(1, 2))
			for i := 2 * 4096; i < len(data); i++ { // all but the meta pages
				data[i] = byte(rng.Uint32())
			}
			must(t, os.WriteFile(path, data, 0o600))
		},
		"random data pages": func(t *testing.T, path string) {
			data, err := os.ReadFile(path)
			must(t, err)
			rng := rand.New(rand.NewPCG(3, 4))
			for p := 2 * 4096; p < len(data); p += 4096 {
				if data[p+pageFlagsAt] == freelistFlag {
					continue // damage what the freelist check does not see
				}
				for i := p; i < p+4096; i++ {
					data[i] = byte(rng.Uint32())
				}
			}
			must(t, os.WriteFile(path, data, 0o600))
		},
		"missing": func(t *testing.T, path string) { must(t, os.Remove(path)) },
	}
	for name, damage := range damages {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path, backup := populated(t)
			damage(t, path)
			_, err := OpenBolt(path)
			if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), "jobbox store restore") {
				t.Fatalf("open of a damaged store: %v", err)
			}
			t.Logf("refusal: %.200v", err)
			if name != "missing" {
				if r, err := CheckFile(path); err != nil || r.OK() {
					t.Fatalf("check of a damaged store: %+v, %v", r, err)
				}
			}
			// The documented recovery: restore the backup, then open.
			aside, err := Restore(backup, path)
			if err != nil {
				t.Fatal(err)
			}
			if name != "missing" {
				if _, err := os.Stat(aside); err != nil {
					t.Fatalf("the damaged store was not kept aside: %v", err)
				}
			}
			s, err := OpenBolt(path)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			jobs, err := s.Jobs(context.Background())
			if err != nil || !jobs["gone"].Deactivated {
				t.Fatalf("restored states: %+v, %v", jobs, err)
			}
		})
	}
}

func TestFreshStartIsTheOperatorsChoice(t *testing.T) {
	t.Parallel()
	path, _ := populated(t)
	must(t, os.Truncate(path, 0))
	s, err := Open(path, OpenOptions{Fresh: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if jobs, _ := s.Jobs(context.Background()); len(jobs) != 0 {
		t.Fatalf("a fresh store holds %v", jobs)
	}
}

func TestRestoreRefusesAStoreInUse(t *testing.T) {
	t.Parallel()
	path, backup := populated(t)
	s, err := OpenBolt(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := Restore(backup, path); !errors.Is(err, ErrLocked) {
		t.Fatalf("restore over a store in use: %v", err)
	}
	if err := BackupFile(path, backup+"2"); !errors.Is(err, ErrLocked) {
		t.Fatalf("offline backup of a store in use: %v", err)
	}
}

func TestWritesAreSynced(t *testing.T) {
	t.Parallel()
	s, err := OpenBolt(filepath.Join(t.TempDir(), "jobbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.db.NoSync || s.db.NoGrowSync || s.db.NoFreelistSync {
		t.Fatalf("bbolt syncs are off: NoSync=%v NoGrowSync=%v NoFreelistSync=%v", s.db.NoSync, s.db.NoGrowSync, s.db.NoFreelistSync)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// FuzzCheckFile checks arbitrary bytes as a store file: a report or an
// error, never a panic or a fault.
func FuzzCheckFile(f *testing.F) {
	path, _ := populated(&testing.T{})
	if data, err := os.ReadFile(path); err == nil {
		f.Add(data)
		f.Add(data[:len(data)/2])
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "fuzz.db")
		must(t, os.WriteFile(path, data, 0o600))
		_, _ = CheckFile(path)
	})
}

// TestFlippedBytesNeverCrash damages a sound store a few random bytes at a
// time: every open and check must return, refusing or accepting, and
// never fault or panic (a fault in bbolt's own check goroutine would kill
// the process).
func TestFlippedBytesNeverCrash(t *testing.T) {
	t.Parallel()
	path, _ := populated(t)
	sound, err := os.ReadFile(path)
	must(t, err)
	rng := rand.New(rand.NewPCG(5, 6))
	dir := t.TempDir()
	for i := range 500 {
		data := append([]byte(nil), sound...)
		for range 1 + rng.IntN(8) {
			data[rng.IntN(len(data))] = byte(rng.Uint32())
		}
		p := filepath.Join(dir, fmt.Sprintf("%d.db", i))
		must(t, os.WriteFile(p, data, 0o600))
		if _, err := CheckFile(p); err != nil {
			t.Fatal(err)
		}
		if s, err := OpenBolt(p); err == nil {
			s.Close()
		} else if !errors.Is(err, ErrDamaged) {
			t.Fatalf("flip %d: %v", i, err)
		}
	}
}

// TestBackupWhileWriting backs up a store while runs are recorded: each
// copy passes its check and holds a whole prefix of the runs.
func TestBackupWhileWriting(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := OpenBolt(filepath.Join(dir, "jobbox.db"))
	must(t, err)
	defer s.Close()
	stop, done := make(chan struct{}), make(chan error, 1)
	go func() {
		ctx := context.Background()
		for i := 1; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			if err := s.RecordRun(ctx, JobState{Name: "a", Runs: int64(i)}, Run{Job: "a", Status: "OK"}, 0); err != nil {
				done <- err
				return
			}
		}
	}()
	for i := range 5 {
		to := filepath.Join(dir, fmt.Sprintf("backup-%d.db", i))
		err := WriteBackup(to, func(w io.Writer) error { _, err := s.Backup(w, nil); return err })
		must(t, err)
		// The copy is one transaction: the job's run count and its
		// history agree.
		r, err := CheckFile(to)
		if err != nil || !r.OK() {
			t.Fatalf("backup %d: %+v %v", i, r, err)
		}
		if r.Jobs > 0 {
			b, err := OpenBolt(to)
			must(t, err)
			jobs, _ := b.Jobs(context.Background())
			b.Close()
			if jobs["a"].Runs != int64(r.Runs) {
				t.Fatalf("backup %d: %d runs counted, %d in the history", i, jobs["a"].Runs, r.Runs)
			}
		}
	}
	close(stop)
	must(t, <-done)
}
