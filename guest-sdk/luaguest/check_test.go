package main

import (
	"reflect"
	"testing"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	cases := map[string]checkCase{
		"template": {src: "local job = core.job()\n\nfunction job.run()\n  return job.OK\nend\n\nreturn job\n"},
		"own fields": {src: "local job = core.job()\njob.count = 0\nfunction job:helper() return 1 end\n" +
			"function job.run()\n  job.count = job.count + job:helper()\n  return job.OK\nend\nreturn job\n"},
		"job.DONE": {
			src:  "local job = core.job()\nfunction job.run()\n  return job.DONE\nend\nreturn job\n",
			want: []problem{{3, 10, "job.DONE is not defined: a job returns job.OK, job.SLEEP, job.STOP, job.EXIT or job.CANCEL"}},
		},
		"syntax": {
			src:  "local job = core.job()\nfunction job.run(\n  return job.OK\nend\nreturn job\n",
			want: []problem{{3, 8, "syntax error near 'return'"}},
		},
		"no run, no return": {
			src: "local j = core.job()\n",
			want: []problem{
				{1, 1, "the job defines no job.run function: add `function job.run() ... return job.OK end`"},
				{1, 1, "the file must end with `return j`"},
			},
		},
		"no job object": {
			src:  "return 1\n",
			want: []problem{{1, 1, "the file never creates its job object: start it with `local job = core.job()`"}},
		},
	}
	checkCases(t, cases)
}

// checkCase is a job file's source and the problems check finds in it.
type checkCase struct {
	src  string
	want []problem
}

// checkCases runs check on each case's source, in a subtest of its name.
func checkCases(t *testing.T, cases map[string]checkCase) {
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := check(tc.src, "job.lua")
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("check:\n got %#v\nwant %#v", got, tc.want)
			}
		})
	}
}

func TestWeekNumAndDays(t *testing.T) {
	t.Parallel()
	// Fixed dates with their strftime %W and %u values.
	for _, tc := range []struct {
		date          string
		week, weekday int
	}{
		{"2024-01-01", 1, 1}, // a Monday: week 1 starts at once
		{"2023-01-01", 0, 7}, // a Sunday before the first Monday
		{"2023-01-02", 1, 1},
		{"2026-12-31", 52, 4},
	} {
		tm := mustDate(t, tc.date)
		if got := weekNum(tm); got != tc.week {
			t.Errorf("weekNum(%s) = %d, want %d", tc.date, got, tc.week)
		}
		if got := isoWeekday(tm); got != tc.weekday {
			t.Errorf("isoWeekday(%s) = %d, want %d", tc.date, got, tc.weekday)
		}
	}
}
