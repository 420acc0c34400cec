package sandbox

import "context"

type budgetKey struct{}

// ResultBudget is how many bytes the run may still take across host calls
// (run_bytes less what has crossed so far), as the engine tells a module
// call through its context. Modules check it while they gather a result, so
// a large one stops early rather than being built whole and refused after.
func ResultBudget(ctx context.Context) (int64, bool) {
	n, ok := ctx.Value(budgetKey{}).(int64)
	return n, ok
}

// WithResultBudget tells a module call the bytes the run has left (the
// engine sets it; tests of modules too).
func WithResultBudget(ctx context.Context, n int64) context.Context {
	return context.WithValue(ctx, budgetKey{}, max(n, 0))
}
