package sandbox

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

// recordingSlot notes whether the run holds it at each step, and what it was
// asked; block makes Acquire wait for ctx instead of succeeding.
type recordingSlot struct {
	mu     sync.Mutex
	held   bool
	events []string
	block  bool
}

func (s *recordingSlot) Release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.held = false
	s.events = append(s.events, "release")
}

func (s *recordingSlot) Acquire(ctx context.Context) error {
	s.mu.Lock()
	block := s.block
	s.events = append(s.events, "acquire")
	s.mu.Unlock()
	if block {
		<-ctx.Done()
		return ctx.Err()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.held = true
	return nil
}

func (s *recordingSlot) isHeld() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.held
}

func (s *recordingSlot) log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.events, " ")
}

// slotModules serves core.mysql by noting whether the run held its slot
// while the call waited.
type slotModules struct {
	slot     *recordingSlot
	heldInIO []bool
}

func (m *slotModules) Open() ModuleRun { return m }
func (m *slotModules) Close()          {}
func (m *slotModules) Call(ctx context.Context, module, method string, args []any) ([]any, error) {
	m.heldInIO = append(m.heldInIO, m.slot.isHeld())
	return []any{int64(1)}, nil
}

// TestSleepAndModuleCallsReleaseTheSlot: a run gives its slot up for each
// core.sleep and each module call, and holds it again before its guest
// code goes on.
func TestSleepAndModuleCallsReleaseTheSlot(t *testing.T) {
	t.Parallel()
	e := testEngine(t)
	slot := &recordingSlot{held: true}
	mods := &slotModules{slot: slot}
	job := writeJob(t, "sleeper.lua", `local job = core.job()
function job.run()
  core.sleep(0.001)
  core.mysql.selectOne("SELECT 1")
  return job.OK
end
return job
`)
	job.Modules = mods
	out := e.Run(WithSlot(context.Background(), slot), job)
	if out.Error != "" {
		t.Fatalf("run failed: %s", out.Error)
	}
	if got, want := slot.log(), "release acquire release acquire"; got != want {
		t.Fatalf("slot calls %q, want %q", got, want)
	}
	if len(mods.heldInIO) != 1 || mods.heldInIO[0] {
		t.Fatalf("held the slot during the module call: %v", mods.heldInIO)
	}
	if !slot.isHeld() {
		t.Fatal("the run ended without its slot held again")
	}
}

// TestNoSlotBeforeTheDeadlineEndsTheRun: a run that cannot get its slot
// back, after a sleep or a module call, before its deadline ends with its
// time limit, and says where.
func TestNoSlotBeforeTheDeadlineEndsTheRun(t *testing.T) {
	t.Parallel()
	e := testEngine(t)
	for _, tc := range []struct{ call, errHas string }{
		{"core.sleep(0.001)", "time limit of 2s exceeded (while waiting for a run slot after sleeping)"},
		{"core.mysql.selectOne('SELECT 1')", "time limit of 2s exceeded (while waiting for a run slot after a core.mysql call)"},
	} {
		t.Run(tc.call, func(t *testing.T) {
			t.Parallel()
			slot := &recordingSlot{held: true, block: true}
			job := writeJob(t, "waiter.lua", "local job = core.job()\nfunction job.run()\n  "+tc.call+"\n  return job.OK\nend\nreturn job\n")
			job.Modules = &slotModules{slot: slot}
			job.Limits.Timeout = 2 * time.Second // the Acquire waits for it
			out := e.Run(WithSlot(context.Background(), slot), job)
			if !strings.Contains(out.Error, tc.errHas) {
				t.Fatalf("error %q, want %q", out.Error, tc.errHas)
			}
		})
	}
}
