//go:build !unix

package sandbox

import "syscall"

// childSupported: no setrlimit here, so compiles run in process.
const childSupported = false

const sigCPU = syscall.Signal(-1)

func limitChild(memory, cpuSeconds uint64) error { return nil }
