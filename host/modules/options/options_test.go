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
		Fail:     func(key, format string, args ...any) { *got = append(*got, key+": "+fmt.Sprintf(format, args...)) },
		Readable: func(path, key string) {},
	}
}

func TestDefaultsAreValid(t *testing.T) {
	t.Parallel()
	var got []string
	c := recorder(&got)
	db := Database{Host: "db"}
	for _, v := range []Validator{Databases{"app": db}, DefaultSMTP(), DefaultNetwork(), DefaultData()} {
		v.Validate(c)
	}
	if len(got) > 0 {
		t.Fatalf("defaults refused: %q", got)
	}
	if DefaultSMTP().Timeout.Duration() != 30*time.Second || DefaultNetwork().MaxResponseBytes.Bytes() != 4<<20 || DefaultData().MaxDocumentBytes.Bytes() != 64<<10 {
		t.Errorf("defaults %+v, %+v, %+v", DefaultSMTP(), DefaultNetwork(), DefaultData())
	}
	if db.OpenLimit() != 10 || db.RowLimit() != 10_000 || db.CallTimeout() != 10*time.Second {
		t.Errorf("database defaults: %d open, %d rows, %s", db.OpenLimit(), db.RowLimit(), db.CallTimeout())
	}
}

func TestEachModuleChecksItsGrants(t *testing.T) {
	t.Parallel()
	g := Grants{
		MySQL: []string{"app", "other"}, Data: []string{"ok", "bad name"},
		Network: []string{"https://api.example.com", "ftp://x"}, NetworkCIDRs: []string{"10.1.0.0/8", "nope"},
		EmailFrom: []string{"job@work.com"}, EmailTo: []string{"work.com", "[1.2.3.4]"},
	}
	var got []string
	c := recorder(&got)
	job := Job{Key: "jobs.0.grants", Label: `job "x"`}
	for _, v := range []Validator{Databases{"app": {}}, Data{}, Network{}, SMTP{}} {
		v.ValidateGrants(g, job, c)
	}
	var keys []string
	for _, line := range got {
		keys = append(keys, strings.TrimPrefix(line[:strings.Index(line, ":")], "jobs.0.grants."))
	}
	if want := []string{"mysql", "data", "network", "network_cidrs", "email_from", "email_to"}; !slices.Equal(keys, want) {
		t.Errorf("problems at %q, want %q:\n%s", keys, want, strings.Join(got, "\n"))
	}
	if origins, cidrs := g.ParsedNetwork(); len(origins) != 1 || origins[0].Host != "api.example.com" || len(cidrs) != 1 || cidrs[0].String() != "10.0.0.0/8" {
		t.Errorf("parsed grants: %+v %v", origins, cidrs)
	}
}
