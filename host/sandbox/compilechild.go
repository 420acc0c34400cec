package sandbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/tetratelabs/wazero"
)

// wazero cannot cancel a compile, and what a compile costs grows steeply
// with a module's shape, so a .wasm job file is compiled in a child
// process: a re-exec of the running binary, limited in memory (data
// segment) and CPU time (setrlimit) and killed at the compile timeout. The child writes
// the machine code to the compilation cache (Options.CacheDir); the
// parent's compile of the same bytes with the same runtime config then
// reads it from there instead of compiling. A child that fails or is
// killed costs the service nothing but the time it was given.
//
// Isolation needs a CacheDir, a Unix host, and a binary whose main (or a
// test binary's TestMain) calls RunCompilerIfChild first: without all
// three, compiles run in process, bounded only by the compile semaphore.

// Default compile bounds (Options.CompileTimeout, CompileMemory).
const (
	defaultCompileTimeout = 20 * time.Second
	defaultCompileMemory  = 1 << 30
)

// The child's environment: the cache directory, then its limits.
const (
	childEnv       = "JOBBOX_COMPILER_CHILD"
	childMemoryEnv = "JOBBOX_COMPILER_MEMORY"
	childCPUEnv    = "JOBBOX_COMPILER_CPU_SECONDS"
)

// Exit codes of the child besides 0.
const (
	childInvalid = 3 // wazero refused the module: stderr says why
	childSetup   = 4 // the child could not start compiling
)

// childCapable is set when the binary called RunCompilerIfChild, so a
// re-exec of it compiles instead of doing whatever the binary does.
var childCapable atomic.Bool

// RunCompilerIfChild must be the first call of main (and of TestMain in a
// test binary whose engines should compile in a child). In the compiler
// child it compiles and exits; otherwise it returns at once and lets the
// engines of this process use the child.
func RunCompilerIfChild() {
	dir, ok := os.LookupEnv(childEnv)
	if !ok {
		childCapable.Store(true)
		return
	}
	os.Exit(runCompilerChild(dir))
}

// isolated reports whether e compiles .wasm job files in a child.
func (e *Engine) isolated() bool {
	return e.opts.CacheDir != "" && childSupported && childCapable.Load()
}

// compileInChild compiles bin, already rewritten, in a child process that
// writes the result to the compilation cache.
func (e *Engine) compileInChild(ctx context.Context, bin []byte) error {
	exe, err := selfExecutable()
	if err != nil {
		return fmt.Errorf("cannot start the compiler process: %w", err)
	}
	tctx, cancel := context.WithTimeout(ctx, e.opts.CompileTimeout)
	defer cancel()
	cmd := exec.CommandContext(tctx, exe)
	cpu := int64((e.opts.CompileTimeout + time.Second - 1) / time.Second)
	cmd.Env = []string{
		childEnv + "=" + e.opts.CacheDir,
		childMemoryEnv + "=" + strconv.FormatUint(e.opts.CompileMemory, 10),
		childCPUEnv + "=" + strconv.FormatInt(cpu, 10),
		// One core for the compile: the other stays with the runs.
		"GOMAXPROCS=1",
		"GOTRACEBACK=none",
	}
	cmd.Stdin = bytes.NewReader(bin)
	stderr := &limitedBuffer{max: 4 << 10}
	cmd.Stderr = stderr
	cmd.WaitDelay = time.Second
	err = cmd.Run()
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return fmt.Errorf("compiling was cancelled: %w", ctx.Err())
	case tctx.Err() != nil:
		return fmt.Errorf("compiling took longer than its compile limit of %s (compile_timeout)", e.opts.CompileTimeout)
	}
	return e.childError(err, stderr.String())
}

// selfExecutable is the running binary. On Linux it is /proc/self/exe,
// which still works after a package upgrade replaced the file on disk.
func selfExecutable() (string, error) {
	if runtime.GOOS == "linux" {
		return "/proc/self/exe", nil
	}
	return os.Executable()
}

// childError explains how the child failed, naming the limit it hit.
func (e *Engine) childError(err error, stderr string) error {
	msg := strings.TrimSpace(stderr)
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == sigCPU {
			return fmt.Errorf("compiling used more CPU time than its compile limit of %s (compile_timeout)", e.opts.CompileTimeout)
		}
		if memoryExhausted(msg) {
			return fmt.Errorf("compiling needed more memory than its compile limit of %s (compile_memory)", formatBytes(e.opts.CompileMemory))
		}
		if exit.ExitCode() == childInvalid {
			return fmt.Errorf("not a valid WebAssembly module: %s", msg)
		}
	}
	first, _, _ := strings.Cut(msg, "\n")
	return fmt.Errorf("the compiler process failed (%v): %s", err, first)
}

// memoryExhausted tells, from the child's stderr, that it ran out of the
// memory its compile limit allows. Besides the runtime's own "out of
// memory", a thread the runtime (or cgo) cannot start counts: under
// RLIMIT_DATA a new thread's stack is refused with EAGAIN, and the child
// sets no other limit that could refuse one.
func memoryExhausted(stderr string) bool {
	for _, sign := range []string{"out of memory", "cannot allocate memory", "failed to create new OS thread", "pthread_create failed"} {
		if strings.Contains(stderr, sign) {
			return true
		}
	}
	return false
}

// runCompilerChild is the child: it limits itself, reads the module from
// stdin and compiles it into the cache in dir.
func runCompilerChild(dir string) int {
	memory, _ := strconv.ParseUint(os.Getenv(childMemoryEnv), 10, 64)
	cpu, _ := strconv.ParseUint(os.Getenv(childCPUEnv), 10, 64)
	if err := limitChild(memory, cpu); err != nil {
		fmt.Fprintf(os.Stderr, "setting the compile limits: %v\n", err)
		return childSetup
	}
	bin, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintf(os.Stderr, "reading the module: %v\n", err)
		return childSetup
	}
	ctx := context.Background()
	cfg, err := runtimeConfig(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return childSetup
	}
	rt := wazero.NewRuntimeWithConfig(ctx, cfg)
	if _, err := rt.CompileModule(ctx, bin); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return childInvalid
	}
	return 0
}

// limitedBuffer keeps the first max bytes written to it.
type limitedBuffer struct {
	bytes.Buffer
	max int
}

var _ io.Writer = (*limitedBuffer)(nil)

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.Len(); room > 0 {
		b.Buffer.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}
