package store

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// BenchmarkOpenChecked measures Open's consistency check against the
// store's size: 1000 jobs with 50 runs of about 1KiB each, 118MiB.
func BenchmarkOpenChecked(b *testing.B) {
	path := filepath.Join(b.TempDir(), "jobbox.db")
	s, err := OpenBolt(path)
	if err != nil {
		b.Fatal(err)
	}
	run, _ := json.Marshal(Run{Job: "x", Status: "OK", Logs: []string{strings.Repeat("x", 1000)}})
	err = s.db.Update(func(tx *bolt.Tx) error {
		for j := range 1000 {
			name := fmt.Sprintf("job-%d", j)
			if err := putJob(tx, JobState{Name: name, Runs: 50}); err != nil {
				return err
			}
			runs, err := tx.Bucket(bucketRuns).CreateBucketIfNotExists([]byte(name))
			if err != nil {
				return err
			}
			for i := range 50 {
				if err := runs.Put(seqKey(uint64(i)), run); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	s.Close()
	st, _ := os.Stat(path)
	for b.Loop() {
		s, err := OpenBolt(path)
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
	b.ReportMetric(float64(st.Size())/(1<<20), "MiB")
}
