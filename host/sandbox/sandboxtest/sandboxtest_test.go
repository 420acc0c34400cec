package sandboxtest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/sandbox"
	"github.com/jobbox/jobbox/host/sandbox/sandboxtest"
)

func TestRunLuaSeesTheFixedTime(t *testing.T) {
	t.Parallel()
	e := sandboxtest.NewEngine(t, sandboxtest.Options{Now: time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)})
	out := sandboxtest.RunLua(t, e, `local job = core.job()
function job.run()
  if job.hour() ~= 9 or job.minute() ~= 30 then return job.ERROR end
  return job.OK
end
return job
`, sandboxtest.Job{})
	if out.Status != abi.StatusOK {
		t.Fatalf("got %v %q", out.Status, out.Error)
	}
}

func TestRunLuaAppliesTheLimits(t *testing.T) {
	t.Parallel()
	e := sandboxtest.NewEngine(t, sandboxtest.Options{})
	out := sandboxtest.RunLua(t, e, "local job = core.job()\nfunction job.run()\n  for i = 1, 3 do core.log(i) end\n  return job.OK\nend\nreturn job\n",
		sandboxtest.Job{Name: "chatty", Limits: sandbox.Limits{LogLines: 2}})
	if out.Status != abi.StatusError || !strings.Contains(out.Error, "log limit of 2 lines") {
		t.Fatalf("got %v %q; want the log limit", out.Status, out.Error)
	}
}
