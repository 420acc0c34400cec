package sandbox

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tetratelabs/wazero/sys"
)

// exitCodeAborted is the exit code a host function closes an instance with
// when the run broke a limit; runState.aborted says which.
const exitCodeAborted = 0xa0

// explain turns an error from instantiating or calling a guest into the
// sentence stored as the job's last error. It names what ended the call:
// the deadline when it passed, even if the memory allocator had refused a
// grow meanwhile (a guest refused memory may spin until then); otherwise a
// limit a host function enforced; otherwise a refused grow, which a guest
// usually fails for in some other way (a trap, an exit); and the stage.
func (rs *runState) explain(err error, inst *instance) error {
	during := rs.stage.during()
	if !rs.timedOut && !rs.deadline.IsZero() && !time.Now().Before(rs.deadline) && rs.aborted == "" {
		rs.abortAtDeadline(context.Background(), "")
	}
	refused := inst != nil && inst.mem.exceeded.Load()
	if rs.timedOut && refused {
		return fmt.Errorf("%s, after its memory limit of %s refused it more memory", rs.aborted, formatBytes(rs.job.Limits.MemoryBytes))
	}
	if rs.aborted != "" {
		return errors.New(rs.aborted)
	}
	if refused {
		return fmt.Errorf("memory limit of %s exceeded%s", formatBytes(rs.job.Limits.MemoryBytes), during)
	}
	var exit *sys.ExitError
	if errors.As(err, &exit) {
		if msg := rs.output.summary(); msg != "" {
			return fmt.Errorf("the guest exited with code %d%s: %s", exit.ExitCode(), during, msg)
		}
		return fmt.Errorf("the guest exited with code %d%s", exit.ExitCode(), during)
	}
	msg, _, _ := strings.Cut(err.Error(), "\n")
	if msg == "" {
		msg = err.Error()
	}
	if s := rs.output.summary(); s != "" {
		msg += " (" + s + ")"
	}
	return fmt.Errorf("the guest trapped%s: %s", during, msg)
}

func formatBytes(n uint64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
