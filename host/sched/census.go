package sched

// Census counts the configured jobs by state and returns the views of those
// of names that are configured: what a metrics scrape and the dashboard's
// header need. The counts are kept as jobs change state (setState), so
// neither a scrape nor a page view of 100,000 jobs visits them all under
// the schedule's lock, which every run's start and end take too.
func (s *Scheduler) Census(names []string) (map[State]int, []JobView) {
	s.mu.Lock()
	defer s.mu.Unlock()
	counts := make(map[State]int, len(s.byState))
	for st, n := range s.byState {
		if n > 0 {
			counts[st] = n
		}
	}
	views := make([]JobView, 0, len(names))
	for _, name := range names {
		if e, ok := s.jobs[name]; ok {
			views = append(views, view(e))
		}
	}
	return counts, views
}
