//go:build unix

package sandbox

import "syscall"

// childSupported: setrlimit bounds the compiler child here.
const childSupported = true

// sigCPU is what the kernel kills a process with at its CPU limit.
const sigCPU = syscall.SIGXCPU

// limitChild caps the compiler child's address space and CPU time.
func limitChild(memory, cpuSeconds uint64) error {
	if memory > 0 {
		if err := syscall.Setrlimit(syscall.RLIMIT_AS, &syscall.Rlimit{Cur: memory, Max: memory}); err != nil {
			return err
		}
	}
	if cpuSeconds > 0 {
		// The soft limit sends SIGXCPU, which kills; the hard limit a
		// second later kills regardless.
		return syscall.Setrlimit(syscall.RLIMIT_CPU, &syscall.Rlimit{Cur: cpuSeconds, Max: cpuSeconds + 1})
	}
	return nil
}
