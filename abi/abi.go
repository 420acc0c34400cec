// Package abi is the contract between the jobbox host and the guests it runs.
//
// It names the host module and its functions, the guest exports the host
// calls, the status codes, and the value encoding that carries structured
// data across the boundary. It imports only the standard library so that the
// host and every guest (built with GOOS=wasip1) compile against the same
// definitions. The normative description, written for authors of guests in
// any language, is abi/SPEC.md; this file and value.go are its Go rendering.
package abi

import "fmt"

// Version of the ABI. A guest whose major version differs from the host's is
// refused at load time. A guest built for a higher minor version than the
// host's may import functions the host lacks; it is refused too, naming them.
const (
	VersionMajor = 1
	VersionMinor = 2 // 1.1 added FuncSleep and PrepareExport, 1.2 FuncSources
)

// Version packs the ABI version as the guest export VersionExport returns it:
// major in the high 16 bits, minor in the low 16 bits.
const Version = VersionMajor<<16 | VersionMinor

// HostModule is the import module name of every host function. The major
// version is part of the name, so a guest built for another major version
// fails the import check with a message that says so instead of a link error.
const HostModule = "jobbox_v1"

// Host function names, imported from HostModule. Every host function has the
// signature (in_ptr, in_len, out_ptr, out_cap i32) -> i64; see SPEC.md.
const (
	FuncLog     = "log"     // in: list of values to log; out: nothing.
	FuncTime    = "time"    // in: nothing; out: [unix_nanos, utc_offset_s, zone].
	FuncJob     = "job"     // in: nothing; out: table {name, file, source}.
	FuncFail    = "fail"    // in: string, the run's error; out: nothing.
	FuncResult  = "result"  // in: nothing; out: the pending result of the last call.
	FuncData    = "data"    // core.data: in [method, args...]; out: list of results.
	FuncNetwork = "network" // core.network: as FuncData.
	FuncEmail   = "email"   // core.email: as FuncData.
	FuncMySQL   = "mysql"   // core.mysql: as FuncData.
	FuncSleep   = "sleep"   // in: int, nanoseconds; out: nothing. Since 1.1.
	// FuncSources answers only during PrepareExport. in: nothing; out: a
	// list of tables {file, source}, the Lua job files the host expects to
	// run, for the guest to compile ahead. Since 1.2.
	FuncSources = "sources"
)

// HostFuncs lists every host function of this ABI version, in a stable
// order. Each call returns a new slice, so no caller can change another's.
func HostFuncs() []string {
	return []string{
		FuncLog, FuncTime, FuncJob, FuncFail, FuncResult,
		FuncData, FuncNetwork, FuncEmail, FuncMySQL, FuncSleep, FuncSources,
	}
}

// Guest exports the host looks for.
const (
	// InitializeExport is the WASI reactor initializer (Go's c-shared build
	// mode emits it). The host calls it once per instance, before anything else.
	InitializeExport = "_initialize"
	// VersionExport () -> i32 returns Version as the guest was built.
	VersionExport = "jobbox_abi_version"
	// PrepareExport () -> () is optional. The host calls it after
	// _initialize and before it snapshots the instance, so work every run
	// would repeat (the Lua guest builds its interpreter state and compiles
	// the job files FuncSources names) is done once per snapshot. The only
	// host function it may call is FuncSources. Since 1.1.
	PrepareExport = "jobbox_prepare"
	// RunExport () -> i32 runs the job once and returns a Status.
	RunExport = "jobbox_run"
	// CheckExport () -> i32 (Lua guest only) checks the job source named by
	// FuncJob without running it and reports problems through FuncLog as
	// [line, col, message] lists. It returns the number of problems.
	CheckExport = "jobbox_check"
)

// Status is what a run returns to the scheduler.
type Status int32

const (
	// StatusError means the run failed; the guest reported why through FuncFail.
	StatusError Status = 0
	// StatusOK: run again after the interval (job.OK or true).
	StatusOK Status = 1
	// StatusSleep: run again 24 hours after this run started (job.SLEEP).
	StatusSleep Status = 2
	// StatusStop: stay active but do not run until the next reload (job.STOP or false).
	StatusStop Status = 3
	// StatusExit: deactivate until re-activated (job.EXIT, job.CANCEL).
	StatusExit Status = 4
)

var statusNames = [...]string{"ERROR", "OK", "SLEEP", "STOP", "EXIT"}

func (s Status) String() string {
	if s >= 0 && int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("Status(%d)", int32(s))
}

// Valid reports whether s is one of the statuses a run may return.
func (s Status) Valid() bool { return s >= StatusError && s <= StatusExit }

// Code is the outcome of one host function call, carried in the high 32 bits
// of its i64 result.
type Code uint32

const (
	CodeOK           Code = 0 // success; the payload is the result.
	CodeBadPointer   Code = 1 // an in or out range lies outside guest memory.
	CodeBadEncoding  Code = 2 // the input is not a valid encoded value.
	CodeNotGranted   Code = 3 // config.toml does not grant this module to the job.
	CodeNotAvailable Code = 4 // this host does not offer the module or method.
	CodeLimit        Code = 5 // a per-run or per-call limit was reached.
	CodeNoResult     Code = 6 // FuncResult was called with nothing pending.
	CodeBadArgument  Code = 7 // the arguments are well-formed but wrong.
	CodeInternal     Code = 8 // the host failed; the run should end.
)

var codeNames = [...]string{
	"ok", "bad pointer", "bad encoding", "not granted", "not available",
	"limit exceeded", "no result pending", "bad argument", "internal error",
}

func (c Code) String() string {
	if int(c) < len(codeNames) {
		return codeNames[c]
	}
	return fmt.Sprintf("code %d", uint32(c))
}

// PackResult builds a host function's i64 result from its code and the
// length of its payload (the result on success, a UTF-8 message otherwise).
func PackResult(c Code, payloadLen uint32) uint64 {
	return uint64(c)<<32 | uint64(payloadLen)
}

// UnpackResult splits a host function's i64 result.
func UnpackResult(r uint64) (Code, uint32) {
	return Code(r >> 32), uint32(r)
}

// CallError is a failed host call as a guest sees it.
type CallError struct {
	Func    string
	Code    Code
	Message string
}

var (
	_ error        = (*CallError)(nil)
	_ fmt.Stringer = Status(0)
	_ fmt.Stringer = Code(0)
)

func (e *CallError) Error() string {
	if e.Message != "" {
		return e.Message
	}
	return fmt.Sprintf("%s: %s", e.Func, e.Code)
}
