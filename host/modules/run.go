package modules

import (
	"context"
	"fmt"
	"net/netip"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/modules/options"
	"github.com/jobbox/jobbox/host/policy"
	"github.com/jobbox/jobbox/host/sandbox"
)

// ForJob returns the modules of one job, as its grants allow.
func (h *Host) ForJob(job string, grants options.Grants) sandbox.Modules {
	g := jobGrants{Grants: grants}
	g.Origins, g.CIDRs = grants.ParsedNetwork()
	for _, db := range grants.MySQL {
		if rd, isRemote, err := options.ParseRemoteDatabase(db); isRemote && err == nil {
			g.Remotes = append(g.Remotes, rd)
		}
	}
	return &jobModules{host: h, job: job, grants: g}
}

type jobModules struct {
	host   *Host
	job    string
	grants jobGrants
}

// jobGrants are a job's grants with the network grant and the remote
// database grants parsed, once for all its runs.
type jobGrants struct {
	options.Grants
	Origins []policy.Origin
	CIDRs   []netip.Prefix
	Remotes []options.RemoteDatabase // the mysql://host[:port]/database grants
}

var (
	_ sandbox.Modules   = (*jobModules)(nil)
	_ sandbox.ModuleRun = (*run)(nil)
)

func (j *jobModules) Open() sandbox.ModuleRun { return &run{jobModules: j} }

// run is one run's use of the modules. Each module keeps what is the
// run's own (counters, connections) under its name, and closes it when
// the run ends.
type run struct {
	*jobModules
	state map[string]runState // by module name
}

// runState is what a module keeps for one run.
type runState interface{ close() }

// stateOf returns the run's state of module name, made by fresh at the
// module's first use in the run.
func stateOf[T runState](r *run, name string, fresh func() T) T {
	if s, ok := r.state[name].(T); ok {
		return s
	}
	s := fresh()
	if r.state == nil {
		r.state = map[string]runState{}
	}
	r.state[name] = s
	return s
}

func (r *run) Close() {
	for _, s := range r.state {
		s.close()
	}
	r.state = nil
}

func (r *run) Call(ctx context.Context, module, method string, args []any) ([]any, error) {
	m := r.host.modules[module]
	if m == nil {
		return nil, fmt.Errorf("core.%s is not a module", module)
	}
	return m.call(ctx, r, method, args)
}

// notGranted is the error of a call outside the job's grants.
func (r *run) notGranted(format string, args ...any) error {
	return fmt.Errorf("%s is %w to job %s", fmt.Sprintf(format, args...), sandbox.ErrNotGranted, r.job)
}

// failure is a Coronium-style failed result: nil, message[, code].
func failure(err error, code ...any) []any {
	return append([]any{nil, err.Error()}, code...)
}

func ok(v any) []any { return []any{v} }

// args reads positional arguments.
type args []any

func (a args) at(i int) any {
	if i >= 0 && i < len(a) {
		return a[i]
	}
	return nil
}

func (a args) string(i int, what string) (string, error) {
	s, ok := a.at(i).(string)
	if !ok {
		return "", fmt.Errorf("%s must be a string, not %s", what, abi.TypeName(a.at(i)))
	}
	return s, nil
}

func (a args) table(i int, what string) (abi.Table, error) {
	switch v := a.at(i).(type) {
	case abi.Table:
		return v, nil
	case []any:
		if len(v) == 0 { // an empty Lua table
			return abi.Table{}, nil
		}
	case nil:
		return abi.Table{}, nil
	}
	return nil, fmt.Errorf("%s must be a table of named fields, not %s", what, abi.TypeName(a.at(i)))
}

// keyOf is a table field's key as a string: Lua tables may have number keys.
func keyOf(f abi.Field) string {
	if s, ok := f.Key.(string); ok {
		return s
	}
	return fmt.Sprint(f.Key)
}
