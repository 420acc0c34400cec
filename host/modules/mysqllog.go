package modules

import (
	"context"
	"fmt"
	"strings"

	"github.com/jobbox/jobbox/abi/sqlescape"
)

// maxLogged bounds the statements kept for the guest between two takes.
const maxLogged = 1000

// logCall serves logQueries(state), which turns the query log on (by
// default) or off, and queryLog(), with which the Lua guest takes the
// statements run since, to write them to the run's log after each call.
// The host has no log of a run's own, so the lines count against the
// run's log limits like core.log's.
func (s *mysqlRun) logCall(method string, a args) []any {
	if method == "logQueries" {
		s.logging = a.at(0) != false
		if !s.logging {
			s.logged = nil
		}
		return ok(true)
	}
	lines := s.logged
	s.logged = nil
	if lines == nil {
		lines = []any{}
	}
	return ok(lines)
}

type queryLogKey struct{}

func withQueryLog(ctx context.Context, s *mysqlRun) context.Context {
	if !s.logging {
		return ctx
	}
	return context.WithValue(ctx, queryLogKey{}, s)
}

// noteQuery keeps st for the query log, when it is on: the statement, and
// its parameters after "--".
func noteQuery(ctx context.Context, st statement) {
	s, _ := ctx.Value(queryLogKey{}).(*mysqlRun)
	if s == nil || len(s.logged) >= maxLogged {
		return
	}
	line := st.sql
	if len(st.args) > 0 {
		parts := make([]string, len(st.args))
		for i, v := range st.args {
			switch x := v.(type) {
			case string:
				parts[i] = sqlescape.Quote(x)
			case nil:
				parts[i] = "NULL"
			default:
				parts[i] = fmt.Sprint(x)
			}
		}
		line += " -- " + strings.Join(parts, ", ")
	}
	s.logged = append(s.logged, line)
}
