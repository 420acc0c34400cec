package sched

import (
	"testing"
	"time"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/domain"
	"github.com/jobbox/jobbox/host/store"
)

// The tables below follow README.md's "Job semantics", row by row.

func at(d time.Duration) time.Time { return t0.Add(d) }

func TestAfterRun(t *testing.T) {
	t.Parallel()
	const iv = time.Minute
	every, once := spec("j", iv), spec("j", iv)
	once.RunOnce = true
	admin := store.JobState{Name: "j", Deactivated: true, Reason: store.ReasonAdmin}
	for _, tc := range []struct {
		name      string
		spec      Spec
		saved     store.JobState
		status    abi.Status
		ranFor    time.Duration // the run started at due and took this long
		shutdown  bool
		want      place
		wantOff   string // the stored deactivation reason; "" if active
		wantSleep time.Time
	}{
		{"OK runs again after its interval", every, store.JobState{}, abi.StatusOK, time.Second, false, place{Waiting, at(iv)}, "", time.Time{}},
		{"an overrun skips missed slots, keeping the grid", every, store.JobState{}, abi.StatusOK, 150 * time.Second, false, place{Waiting, at(3 * iv)}, "", time.Time{}},
		{"SLEEP runs 24 h after the run began", every, store.JobState{}, abi.StatusSleep, time.Second, false, place{Sleeping, at(SleepPeriod)}, "", at(SleepPeriod)},
		{"STOP waits for a reload", every, store.JobState{}, abi.StatusStop, time.Second, false, place{state: Stopped}, "", time.Time{}},
		{"EXIT deactivates", every, store.JobState{}, abi.StatusExit, time.Second, false, place{state: Exited}, store.ReasonExit, time.Time{}},
		{"ERROR deactivates with the error", every, store.JobState{}, abi.StatusError, time.Second, false, place{state: Deactivated}, store.ReasonError, time.Time{}},
		{"Run Once runs once", once, store.JobState{}, abi.StatusOK, time.Second, false, place{state: OnceDone}, "", time.Time{}},
		{"Run Once that fails is deactivated", once, store.JobState{}, abi.StatusError, time.Second, false, place{state: Deactivated}, store.ReasonError, time.Time{}},
		{"deactivated by the operator while running", every, admin, abi.StatusOK, time.Second, false, place{state: Deactivated}, store.ReasonAdmin, time.Time{}},
		{"cut short by shutdown: not the job's fault", every, store.JobState{}, abi.StatusError, time.Second, true, place{state: Waiting}, "", time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out := domain.Outcome{Status: tc.status, Start: t0, End: t0.Add(tc.ranFor)}
			if tc.status == abi.StatusError {
				out.Error = "boom"
			}
			st, p := afterRun(tc.spec, tc.saved, out, t0, out.End, tc.shutdown)
			if p != tc.want {
				t.Errorf("place %v, want %v", p, tc.want)
			}
			if st.Reason != tc.wantOff || st.Deactivated != (tc.wantOff != "") {
				t.Errorf("stored deactivated=%v reason %q, want reason %q", st.Deactivated, st.Reason, tc.wantOff)
			}
			if !st.SleepUntil.Equal(tc.wantSleep) {
				t.Errorf("stored sleep until %v, want %v", st.SleepUntil, tc.wantSleep)
			}
			if st.Runs != 1 || st.LastStatus != tc.status.String() || (st.LastError != "") != (tc.status == abi.StatusError) {
				t.Errorf("stored %+v", st)
			}
		})
	}
}

func TestOnAdd(t *testing.T) {
	t.Parallel()
	const iv = time.Minute
	every, once, off := spec("j", iv), spec("j", iv), spec("j", iv)
	once.RunOnce = true
	off.Active = false
	first := at(iv)
	for _, tc := range []struct {
		name  string
		spec  Spec
		saved store.JobState
		want  place
	}{
		{"the first run comes one interval after the start", every, store.JobState{}, place{Waiting, first}},
		{"inactive in the config", off, store.JobState{}, place{state: Deactivated}},
		{"exited before the restart", every, store.JobState{Deactivated: true, Reason: store.ReasonExit}, place{state: Exited}},
		{"failed before the restart", every, store.JobState{Deactivated: true, Reason: store.ReasonError}, place{state: Deactivated}},
		{"deactivated by the operator before the restart", every, store.JobState{Deactivated: true, Reason: store.ReasonAdmin}, place{state: Deactivated}},
		{"Run Once runs again after a restart", once, store.JobState{Runs: 3}, place{OncePending, at(iv)}},
		{"SLEEP is kept across restarts", every, store.JobState{SleepUntil: at(time.Hour)}, place{Sleeping, at(time.Hour)}},
		{"a SLEEP that ended meanwhile", every, store.JobState{SleepUntil: at(-time.Hour)}, place{Waiting, first}},
	} {
		if got := onAdd(tc.spec, tc.saved, t0, first); got != tc.want {
			t.Errorf("%s: place %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestOnReload(t *testing.T) {
	t.Parallel()
	every, once, off := spec("j", time.Minute), spec("j", time.Minute), spec("j", time.Minute)
	once.RunOnce = true
	off.Active = false
	slow := spec("j", 2*time.Minute)
	deactivated := store.JobState{Deactivated: true, Reason: store.ReasonExit}
	now := at(time.Hour)
	for _, tc := range []struct {
		name   string
		spec   Spec
		cur    place
		saved  store.JobState
		want   place
		change bool
	}{
		{"a run in flight goes on", off, place{state: Running}, store.JobState{}, place{state: Running}, false},
		{"unchanged and waiting", every, place{Waiting, now.Add(time.Second)}, store.JobState{}, place{Waiting, now.Add(time.Second)}, false},
		{"made inactive in the new config", off, place{Waiting, now.Add(time.Second)}, store.JobState{}, place{state: Deactivated}, true},
		{"keeps its remaining time", slow, place{Waiting, now.Add(time.Minute)}, store.JobState{}, place{Waiting, now.Add(time.Minute)}, false},
		{"a shorter new interval wins", every, place{Waiting, now.Add(90 * time.Second)}, store.JobState{}, place{Waiting, now.Add(time.Minute)}, true},
		{"stopped runs one interval after the reload", every, place{state: Stopped}, store.JobState{}, place{Waiting, now.Add(time.Minute)}, true},
		{"exited stays until activated", every, place{state: Exited}, deactivated, place{state: Exited}, false},
		{"exited and activated runs again", every, place{state: Exited}, store.JobState{}, place{Waiting, now.Add(time.Minute)}, true},
		{"deactivated and activated runs again", every, place{state: Deactivated}, store.JobState{}, place{Waiting, now.Add(time.Minute)}, true},
		{"Run Once stopped is pending again", once, place{state: Stopped}, store.JobState{}, place{OncePending, now.Add(time.Minute)}, true},
		{"Run Once done stays done", once, place{state: OnceDone}, store.JobState{}, place{state: OnceDone}, false},
		{"made Run Once", once, place{Waiting, now.Add(time.Second)}, store.JobState{}, place{OncePending, now.Add(time.Second)}, true},
		{"sleeping keeps its wake-up time", every, place{Sleeping, now.Add(time.Hour)}, store.JobState{}, place{Sleeping, now.Add(time.Hour)}, false},
	} {
		got, changed := onReload(tc.spec, tc.cur, tc.saved, now)
		if got != tc.want || changed != tc.change {
			t.Errorf("%s: place %v changed %v, want %v %v", tc.name, got, changed, tc.want, tc.change)
		}
	}
}

func TestOnSetActive(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		cur     State
		active  bool
		wantOff bool // the job leaves the schedule now
	}{
		{"deactivating a waiting job takes it off at once", Waiting, false, true},
		{"deactivating a sleeping job takes it off at once", Sleeping, false, true},
		{"deactivating a running job lets the run finish", Running, false, false},
		{"activating waits for the reload", Exited, true, false},
	} {
		st, off := onSetActive(store.JobState{Name: "j"}, tc.cur, tc.active)
		if off != tc.wantOff || st.Deactivated == tc.active {
			t.Errorf("%s: off %v stored %+v", tc.name, off, st)
		}
		if !tc.active && st.Reason != store.ReasonAdmin {
			t.Errorf("%s: reason %q", tc.name, st.Reason)
		}
	}
}
