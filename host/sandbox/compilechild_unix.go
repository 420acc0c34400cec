//go:build unix

package sandbox

import "syscall"

// childSupported: setrlimit bounds the compiler child here.
const childSupported = true

// sigCPU is what the kernel kills a process with at its CPU limit.
const sigCPU = syscall.SIGXCPU

// limitChild caps the compiler child's memory and CPU time. The memory
// limit is RLIMIT_DATA, which counts the mappings the process writes (the
// Go heap, wazero's machine code) and not the address space Go reserves
// without using it: RLIMIT_AS at 1.5 GiB failed to compile the Lua guest,
// whose compile peaks at 141 MiB resident.
func limitChild(memory, cpuSeconds uint64) error {
	if memory > 0 {
		if err := syscall.Setrlimit(syscall.RLIMIT_DATA, &syscall.Rlimit{Cur: memory, Max: memory}); err != nil {
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
