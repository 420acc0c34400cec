package sandbox

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/internal/meter"
)

// checkInterface refuses a module that imports what the host does not offer
// or lacks the exports the host calls.
func checkInterface(m wazero.CompiledModule) error {
	var problems []string
	for _, f := range m.ImportedFunctions() {
		mod, name, _ := f.Import()
		switch {
		case mod == abi.HostModule:
			if !slices.Contains(abi.HostFuncs(), name) {
				problems = append(problems, fmt.Sprintf("it imports %s.%s, which this host (ABI %d.%d) does not offer", mod, name, abi.VersionMajor, abi.VersionMinor))
			} else if !hostSignature(f) {
				problems = append(problems, fmt.Sprintf("it imports %s.%s with the wrong signature (want (i32, i32, i32, i32) -> i64)", mod, name))
			}
		case mod == wasi_snapshot_preview1.ModuleName, mod == meter.ImportModule:
		case strings.HasPrefix(mod, "jobbox_v"):
			problems = append(problems, fmt.Sprintf("it was built for jobbox ABI %s; this host speaks ABI v%d", strings.TrimPrefix(mod, "jobbox_"), abi.VersionMajor))
		default:
			problems = append(problems, fmt.Sprintf("it imports %s.%s, which jobbox does not offer", mod, name))
		}
	}
	for _, imp := range m.ImportedMemories() {
		mod, name, _ := imp.Import()
		problems = append(problems, fmt.Sprintf("it imports memory %s.%s; a guest must define its own", mod, name))
	}
	exports := m.ExportedFunctions()
	var missing []string
	for _, want := range []struct {
		name    string
		results []api.ValueType
	}{
		{abi.InitializeExport, nil},
		{abi.VersionExport, []api.ValueType{api.ValueTypeI32}},
		{abi.RunExport, []api.ValueType{api.ValueTypeI32}},
	} {
		f, ok := exports[want.name]
		if !ok {
			missing = append(missing, want.name)
			continue
		}
		if len(f.ParamTypes()) != 0 || !slices.Equal(f.ResultTypes(), want.results) {
			problems = append(problems, fmt.Sprintf("its export %s has the wrong signature", want.name))
		}
	}
	if len(missing) > 0 {
		problems = append(problems, fmt.Sprintf("it does not export %s (build it with the jobbox guest SDK and -buildmode=c-shared)", strings.Join(missing, ", ")))
	}
	if _, ok := m.ExportedMemories()["memory"]; !ok {
		problems = append(problems, "it does not export its memory as \"memory\"")
	}
	if len(problems) > 0 {
		return fmt.Errorf("the guest cannot run here: %s", strings.Join(problems, "; "))
	}
	return nil
}

// hostSignature reports whether f has the one signature of every host
// function: (in_ptr, in_len, out_ptr, out_cap i32) -> i64.
func hostSignature(f api.FunctionDefinition) bool {
	i32 := api.ValueTypeI32
	return slices.Equal(f.ParamTypes(), []api.ValueType{i32, i32, i32, i32}) &&
		slices.Equal(f.ResultTypes(), []api.ValueType{api.ValueTypeI64})
}
