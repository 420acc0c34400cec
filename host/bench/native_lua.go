//go:build nativelua

package bench

import (
	"fmt"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// The native comparison links gopher-lua into the host, which the product
// binary must not do (RATIONALE.md, "Why the host never links gopher-lua"),
// so it is built only with the nativelua tag:
//
//	go run -tags nativelua ./cmd/jobbox bench
//	go test -tags nativelua -run '^$' -bench . ./host/bench/
func init() { nativeLua = runNativeLua }

// runNativeLua runs src with gopher-lua in this process, unsandboxed, as the
// Lua guest does: a new state, the script, then job.run.
func runNativeLua(src string) error {
	src = strings.Replace(src, "core.job()", "{OK = 1, ERROR = 0}", 1)
	L := lua.NewState()
	defer L.Close()
	if err := L.DoString(src); err != nil {
		return err
	}
	job := L.Get(-1).(*lua.LTable)
	if err := L.CallByParam(lua.P{Fn: job.RawGetString("run"), NRet: 1, Protect: true}); err != nil {
		return err
	}
	if L.Get(-1) != lua.LNumber(1) {
		return fmt.Errorf("job.run returned %v", L.Get(-1))
	}
	return nil
}
