package main

import "testing"

func TestProcs(t *testing.T) {
	t.Parallel()
	env := func(m map[string]string) func(string) string {
		return func(k string) string { return m[k] }
	}
	for _, tc := range []struct {
		name string
		env  map[string]string
		def  int
		n    int
		set  bool
	}{
		{"two per CPU", nil, 2, 4, true},
		{"one CPU", nil, 1, 2, true},
		{"the operator's GOMAXPROCS stands", map[string]string{"GOMAXPROCS": "3"}, 3, 3, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			n, set := procs(env(tc.env), tc.def)
			if n != tc.n || set != tc.set {
				t.Fatalf("procs(%v, %d) = %d, %v; want %d, %v", tc.env, tc.def, n, set, tc.n, tc.set)
			}
		})
	}
}
