package sched

import (
	"slices"
	"time"

	"github.com/jobbox/jobbox/host/domain"
)

// queued is one run of a job, due at due. A scheduled run is stale once
// the job's gen has moved on (rescheduled, unscheduled or removed since); a
// manual one once the job's pending manual run is no longer it.
type queued struct {
	due     time.Time
	entry   *entry
	gen     uint64
	trigger domain.Trigger
	manual  *manualRun // set for a run RunNow asked for
}

func (q queued) stale() bool {
	if q.manual != nil {
		return q.entry.manual != q.manual || q.entry.removed
	}
	return q.gen != q.entry.gen || q.entry.removed
}

// dueQueue is the schedule: a heap of runs by due time (container/heap).
type dueQueue []queued

func (q dueQueue) Len() int           { return len(q) }
func (q dueQueue) Less(i, j int) bool { return q[i].due.Before(q[j].due) }
func (q dueQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *dueQueue) Push(x any)        { *q = append(*q, x.(queued)) }
func (q *dueQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

// readyQueue holds runs that are due and wait for a slot, earliest due
// first: no goroutine exists for them until they start.
type readyQueue struct {
	runs []queued
}

func (r *readyQueue) push(q queued) {
	i, _ := slices.BinarySearchFunc(r.runs, q.due, func(x queued, due time.Time) int {
		if x.due.After(due) {
			return 1
		}
		return -1 // equal due times keep their arrival order
	})
	r.runs = slices.Insert(r.runs, i, q)
}

// head drops stale runs and returns the first live one.
func (r *readyQueue) head() (queued, bool) {
	for len(r.runs) > 0 {
		if q := r.runs[0]; !q.stale() {
			return q, true
		}
		r.pop()
	}
	return queued{}, false
}

func (r *readyQueue) pop() {
	r.runs[0] = queued{}
	r.runs = r.runs[1:]
}

func (r *readyQueue) len() int { return len(r.runs) }
