package sandbox

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jobbox/jobbox/abi"
)

var (
	sharedOnce   sync.Once
	sharedEngine *Engine
	sharedErr    error
)

// testEngine returns one engine for the package's tests: compiling the Lua
// guest is the slow part, and runs share nothing but the compiled code.
func testEngine(t testing.TB) *Engine {
	t.Helper()
	sharedOnce.Do(func() {
		sharedEngine, sharedErr = New(context.Background(), Options{
			Now:      func() time.Time { return time.Date(2026, 1, 1, 12, 30, 0, 0, time.UTC) },
			CacheDir: testCacheDir(),
		})
	})
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return sharedEngine
}

// testCacheDir is the compilation cache the package's test engines share,
// so the Lua guest compiles once per machine: minutes under the race
// detector on a busy machine.
func testCacheDir() string { return filepath.Join(os.TempDir(), "jobbox-sandbox-test-cache") }

func writeJob(t testing.TB, name, src string) Job {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return Job{Name: strings.TrimSuffix(name, filepath.Ext(name)), File: path}
}

func TestLuaReturns(t *testing.T) {
	t.Parallel()
	e := testEngine(t)
	cases := []struct {
		ret    string
		status abi.Status
		errHas string
	}{
		{"job.OK", abi.StatusOK, ""},
		{"true", abi.StatusOK, ""},
		{"job.SLEEP", abi.StatusSleep, ""},
		{"job.STOP", abi.StatusStop, ""},
		{"false", abi.StatusStop, ""},
		{"job.EXIT", abi.StatusExit, ""},
		{"job.CANCEL", abi.StatusExit, ""},
		{"nil", abi.StatusError, "job.run returned nil"},
		{"1", abi.StatusError, "job.run returned number 1"},
		{"job.DONE", abi.StatusError, "job.run returned nil"},
		{"'OK'", abi.StatusError, "job.run returned string OK"},
	}
	for _, tc := range cases {
		t.Run(tc.ret, func(t *testing.T) {
			t.Parallel()
			job := writeJob(t, "ret.lua", "local job = core.job()\nfunction job.run()\n  return "+tc.ret+"\nend\nreturn job\n")
			out := e.Run(context.Background(), job)
			if out.Status != tc.status || !strings.Contains(out.Error, tc.errHas) {
				t.Fatalf("status %v error %q; want %v containing %q", out.Status, out.Error, tc.status, tc.errHas)
			}
		})
	}
}

func TestLuaLogAndHelpers(t *testing.T) {
	t.Parallel()
	e := testEngine(t)
	job := writeJob(t, "log.lua", `local job = core.job()
function job.run()
  core.log("day", job.day(), job.dayNum(), job.hour(), job.minute(), job.month(), job.monthNum(), job.weekNum(), job.dayMonth())
  core.log({1, 2, "x"}, {a = true}, nil, 1.5)
  print("printed")
  return job.OK
end
return job
`)
	out := e.Run(context.Background(), job)
	if out.Status != abi.StatusOK {
		t.Fatalf("status %v: %s", out.Status, out.Error)
	}
	want := []string{"day Thur 4 12 30 Jan 1 0 1", `{1, 2, "x"} {a = true} nil 1.5`, "printed"}
	if strings.Join(out.Logs, "\n") != strings.Join(want, "\n") {
		t.Fatalf("logs:\n%s\nwant:\n%s", strings.Join(out.Logs, "\n"), strings.Join(want, "\n"))
	}
}

func TestLuaErrors(t *testing.T) {
	t.Parallel()
	e := testEngine(t)
	cases := map[string]struct{ src, errHas string }{
		"runtime error": {"local job = core.job()\nfunction job.run()\n  local x = nil\n  return x.y\nend\nreturn job\n", "ret.lua:4: attempt to index a non-table object(nil) with key 'y'"},
		"syntax error":  {"local job = core.job(\nreturn job\n", "ret.lua"},
		"no run":        {"local job = core.job()\nreturn job\n", "defines no job.run"},
		"no return":     {"local job = core.job()\nfunction job.run() return job.OK end\n", "must end with `return job`"},
		"mysql":         {"local job = core.job()\nfunction job.run()\n  core.mysql.selectOne('db', {})\n  return job.OK\nend\nreturn job\n", "core.mysql is not granted to job"},
		"os.execute":    {"local job = core.job()\nfunction job.run()\n  os.execute('ls')\n  return job.OK\nend\nreturn job\n", "attempt to call a non-function object"},
		"recursion":     {"local job = core.job()\nlocal function f() return 1 + f() end\nfunction job.run()\n  f()\n  return job.OK\nend\nreturn job\n", "stack overflow"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			out := e.Run(context.Background(), writeJob(t, "ret.lua", tc.src))
			if out.Status != abi.StatusError || !strings.Contains(out.Error, tc.errHas) {
				t.Fatalf("status %v error %q; want ERROR containing %q", out.Status, out.Error, tc.errHas)
			}
		})
	}
}

func TestMissingFile(t *testing.T) {
	t.Parallel()
	out := testEngine(t).Run(context.Background(), Job{Name: "gone", File: "/nonexistent/gone.lua"})
	if out.Status != abi.StatusError || out.Error != "cannot read job file /nonexistent/gone.lua: no such file or directory" {
		t.Fatalf("got %v %q", out.Status, out.Error)
	}
}

func TestLuaLimits(t *testing.T) {
	t.Parallel()
	e := testEngine(t)
	cases := map[string]struct {
		body   string
		limits Limits
		errHas string
	}{
		"endless loop":                 {"while true do end", Limits{Timeout: 300 * time.Millisecond}, "time limit of 300ms exceeded"},
		"memory bomb":                  {"local t = {} for i = 1, 1e9 do t[i] = string.rep('x', 1024) .. i end", Limits{MemoryBytes: 32 << 20}, "memory limit of 32 MiB exceeded"},
		"log flood":                    {"for i = 1, 1e6 do core.log('x') end", Limits{LogLines: 10}, "log limit of 10 lines per run exceeded"},
		"pcall cannot swallow a limit": {"for i = 1, 1e6 do pcall(core.log, 'x') end", Limits{LogLines: 10}, "log limit of 10 lines per run exceeded"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			job := writeJob(t, "limit.lua", "local job = core.job()\nfunction job.run()\n  "+tc.body+"\n  return job.OK\nend\nreturn job\n")
			job.Limits = tc.limits
			out := e.Run(context.Background(), job)
			if out.Status != abi.StatusError || !strings.Contains(out.Error, tc.errHas) {
				t.Fatalf("status %v error %q; want ERROR containing %q", out.Status, out.Error, tc.errHas)
			}
		})
	}
}

func TestLuaCoreHelpers(t *testing.T) {
	t.Parallel()
	src := `local job = core.job()
function job.run()
  local s = core.json.encode({b = {1, 2.5, "x"}, a = true})
  if s ~= '{"a":true,"b":[1,2.5,"x"]}' then error("encode: " .. s) end
  local v = core.json.decode('{"n": 3, "list": [1, {"k": "v"}]}')
  if v.n ~= 3 or v.list[2].k ~= "v" then error("decode") end
  local bad, err = core.json_safe.decode("{")
  if bad ~= nil or not err:find("core.json.decode") then error("decode error: " .. tostring(err)) end
  local ok, raised = pcall(core.json.decode, "{")
  if ok or not tostring(raised):find("core.json.decode") then error("decode raise: " .. tostring(raised)) end
  if not core.uuid():match("^%x+%-%x+%-4%x+%-[89ab]%x+%-%x+$") then error("uuid") end
  if core.md5("abc") ~= "900150983cd24fb0d6963f7d28e17f72" then error("md5") end
  core.sleep(0.01)
  return job.OK
end
return job
`
	out := testEngine(t).Run(context.Background(), writeJob(t, "helpers.lua", src))
	if out.Status != abi.StatusOK {
		t.Fatalf("status %v error %q", out.Status, out.Error)
	}
}
