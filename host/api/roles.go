package api

import "context"

// Role is what a caller may do; each role may do all the one below it may.
type Role int

const (
	Public   Role = iota // no authentication: /healthz, /readyz, login
	Viewer               // read only
	Operator             // run now, activate/deactivate, reload
	Admin                // everything, job and code edits included
)

func (r Role) String() string {
	switch r {
	case Viewer:
		return "viewer"
	case Operator:
		return "operator"
	case Admin:
		return "admin"
	}
	return "public"
}

// ParseRole reads a role as config.toml writes it.
func ParseRole(s string) (Role, bool) {
	for _, r := range []Role{Viewer, Operator, Admin} {
		if r.String() == s {
			return r, true
		}
	}
	return Public, false
}

// Kinds of principal.
const (
	KindUser  = "user"  // a configured user, by a session
	KindToken = "token" // a configured API token
	KindSetup = "setup" // the first-run login link, before any user exists
	KindLocal = "local" // the unix socket
)

// Principal is who makes a request; handlers record it as the actor.
type Principal struct {
	Name string
	Role Role
	Kind string
	// Address is the caller's network address ("" on the unix socket).
	Address string
}

type principalKey struct{}

func withPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalOf returns who makes the request of ctx; false on a public
// route.
func PrincipalOf(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}
