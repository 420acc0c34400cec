package sched

// Census counts the configured jobs by state and returns the views of those
// of names that are configured: what a metrics scrape and the dashboard's header need. Unlike Jobs it
// neither copies nor sorts every job, so a scrape of 100,000 jobs holds the
// schedule's lock for one pass over them and allocates for names only.
func (s *Scheduler) Census(names []string) (map[State]int, []JobView) {
	s.mu.Lock()
	defer s.mu.Unlock()
	counts := make(map[State]int, 8)
	for _, e := range s.jobs {
		counts[e.state]++
	}
	views := make([]JobView, 0, len(names))
	for _, name := range names {
		if e, ok := s.jobs[name]; ok {
			views = append(views, view(e))
		}
	}
	return counts, views
}
