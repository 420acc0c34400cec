package main

import "runtime"

// procsPerCPU is how many Go processors (the runtime's Ps, GOMAXPROCS)
// jobbox runs per CPU it may use. A woken goroutine (the dispatch loop at
// a run's due time, then the run's) waits for a P, and with one per CPU
// they are often all held by guests between two fuel checks or by clones'
// resets in system calls; with spare Ps the kernel, which preempts, shares
// the CPUs instead, and runs start about twice as soon at the median
// (RATIONALE.md, "Why two Go processors per CPU").
const procsPerCPU = 2

// procs returns the GOMAXPROCS jobbox wants given the runtime's default
// (the CPUs the process may use, its cgroup's CPU limit included), and
// whether to set it: an operator's GOMAXPROCS, from the environment, is
// left as it is.
func procs(getenv func(string) string, def int) (n int, set bool) {
	if getenv("GOMAXPROCS") != "" {
		return def, false
	}
	return procsPerCPU * def, true
}

// tuneProcs applies procs to the runtime. Setting GOMAXPROCS stops the
// runtime from following later changes of the cgroup's CPU limit, which a
// restart picks up.
func tuneProcs(getenv func(string) string) {
	if n, set := procs(getenv, runtime.GOMAXPROCS(0)); set {
		runtime.GOMAXPROCS(n)
	}
}
