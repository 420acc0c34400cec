// Package policy holds jobbox's security rules for the core modules: which
// origins and addresses a job's HTTP requests may reach, and which
// mailboxes it may send as or write to. The config parses grants into
// these types; the modules enforce them; neither re-implements the rules.
//
// It depends on the standard library only, so that the rules can be read,
// tested and fuzzed without a database driver, an HTTP transport or the
// sandbox. The IANA special-purpose address registry, which comes from a
// third-party package, stays with the module that dials.
package policy
