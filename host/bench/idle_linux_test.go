package bench

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"golang.org/x/sys/unix"
)

// The test binary started as "idle-threads" moves itself to the idle
// policy, makes the runtime start more threads, and says whether every
// thread is idle: a test process of its own, since the policy would slow
// every other test of this one.
func init() {
	if len(os.Args) > 1 && os.Args[1] == "idle-threads" {
		if err := idleThreadsChild(); err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
		fmt.Println("every thread idle")
		os.Exit(0)
	}
}

func idleThreadsChild() error {
	if err := idleCPU(); err != nil {
		return err
	}
	before, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return err
	}
	// Goroutines locked to their threads while others start: the runtime
	// has to start new threads, from threads already moved.
	var started, hold sync.WaitGroup
	release := make(chan struct{})
	for range 8 {
		started.Add(1)
		hold.Go(func() {
			runtime.LockOSThread()
			started.Done()
			<-release
		})
	}
	started.Wait()
	defer func() { close(release); hold.Wait() }()
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return err
	}
	var normal []string
	for _, t := range tasks {
		tid, _ := strconv.Atoi(t.Name())
		if attr, err := unix.SchedGetAttr(tid, 0); err == nil && attr.Policy != unix.SCHED_IDLE {
			normal = append(normal, t.Name())
		}
	}
	if len(normal) > 0 {
		return fmt.Errorf("threads %s of %d are not idle", strings.Join(normal, ", "), len(tasks))
	}
	if len(tasks) <= len(before) {
		return fmt.Errorf("%d threads before and after: the runtime started none for the locked goroutines", len(tasks))
	}
	return nil
}

// TestIdleCPU: a watcher process at the idle priority has every thread
// there, those the runtime starts after the move too.
func TestIdleCPU(t *testing.T) {
	t.Parallel()
	out, err := exec.Command(os.Args[0], "idle-threads").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "every thread idle" {
		t.Fatalf("%v: %s", err, out)
	}
}
