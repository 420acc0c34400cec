package options

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// recorder is a Checker that keeps the keys and messages reported.
func recorder(got *[]string) *Checker {
	return &Checker{
		Fail: func(key, format string, args ...any) { *got = append(*got, key+": "+fmt.Sprintf(format, args...)) },
		Duration: func(raw any) (time.Duration, error) {
			s, _ := raw.(string)
			return time.ParseDuration(s)
		},
		Size: func(raw any) (uint64, error) {
			n, ok := raw.(int)
			if !ok {
				return 0, fmt.Errorf("is not a size")
			}
			return uint64(n), nil
		},
		Readable: func(path, key string) {},
	}
}

func TestDefaultsAreValid(t *testing.T) {
	t.Parallel()
	var got []string
	c := recorder(&got)
	smtp, network, data := DefaultSMTP(), DefaultNetwork(), DefaultData()
	network.MaxResponseBytes, data.MaxDocumentBytes = 4<<20, 64<<10 // the recorder's sizes are ints
	for _, v := range []Validator{Databases{"app": {Host: "db"}}, &smtp, &network, &data} {
		v.Validate(c)
	}
	if len(got) > 0 {
		t.Fatalf("defaults refused: %q", got)
	}
	if smtp.TimeoutPeriod != 30*time.Second || network.MaxResponseSize != 4<<20 || data.MaxDocumentSize != 64<<10 {
		t.Errorf("resolved %v, %v, %v", smtp.TimeoutPeriod, network.MaxResponseSize, data.MaxDocumentSize)
	}
}

func TestEachModuleChecksItsGrants(t *testing.T) {
	t.Parallel()
	g := &Grants{
		MySQL: []string{"app", "other"}, Data: []string{"ok", "bad name"},
		Network: []string{"https://api.example.com", "ftp://x"}, NetworkCIDRs: []string{"10.1.0.0/8", "nope"},
		EmailFrom: []string{"job@work.com"}, EmailTo: []string{"work.com", "[1.2.3.4]"},
	}
	var got []string
	c := recorder(&got)
	job := Job{Key: "jobs.0.grants", Label: `job "x"`}
	for _, v := range []Validator{Databases{"app": {}}, &Data{}, &Network{}, &SMTP{}} {
		v.ValidateGrants(g, job, c)
	}
	var keys []string
	for _, line := range got {
		keys = append(keys, strings.TrimPrefix(line[:strings.Index(line, ":")], "jobs.0.grants."))
	}
	if want := []string{"mysql", "data", "network", "network_cidrs", "email_from", "email_to"}; !slices.Equal(keys, want) {
		t.Errorf("problems at %q, want %q:\n%s", keys, want, strings.Join(got, "\n"))
	}
	if len(g.Origins) != 1 || g.Origins[0].Host != "api.example.com" || len(g.CIDRs) != 1 || g.CIDRs[0].String() != "10.0.0.0/8" {
		t.Errorf("parsed grants: %+v %v", g.Origins, g.CIDRs)
	}
}
