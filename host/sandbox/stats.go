package sandbox

// Instances counts the engine's WebAssembly instances, for the metrics:
// live ones (in runs, ready in pools, being reset or snapshotted) and the
// pooled ones among them, ready for the next runs. It is read at a scrape,
// so runs count nothing for it but the opening and closing of instances.
func (e *Engine) Instances() (live, pooled int) {
	e.mu.Lock()
	for _, g := range e.guests() {
		if g.pool != nil {
			pooled += len(g.pool.ready)
		}
	}
	e.mu.Unlock()
	return int(e.live.Load()), pooled
}
