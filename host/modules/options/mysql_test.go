package options

import (
	"strings"
	"testing"
)

// TestParseRemoteDatabase reads mysql://host[:port]/database grants and
// refuses any other shape, with an account, or a system schema.
func TestParseRemoteDatabase(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]RemoteDatabase{
		"mysql://My.SQL.host/clients":      {Host: "my.sql.host", Port: 3306, Database: "clients"},
		"mysql://127.0.0.1:3307/shop":      {Host: "127.0.0.1", Port: 3307, Database: "shop"},
		"mysql://[2001:db8::1]:3310/x_y-z": {Host: "2001:db8::1", Port: 3310, Database: "x_y-z"},
	} {
		got, isRemote, err := ParseRemoteDatabase(in)
		if !isRemote || err != nil || got != want {
			t.Errorf("%s: %+v %v %v; want %+v", in, got, isRemote, err, want)
		}
	}
	if _, isRemote, _ := ParseRemoteDatabase("products"); isRemote {
		t.Error("an entry name was read as a remote grant")
	}
	for in, errHas := range map[string]string{
		"mysql://u:p@host/db":     "without an account",
		"mysql://host":            "one database",
		"mysql://host/a/b":        "one database",
		"mysql://host:0/db":       "port",
		"mysql://host:99999/db":   "port",
		"mysql://host/mysql":      "system schema",
		"mysql://host/db?tls=off": "without an account",
		"mysql:///db":             "without an account",
	} {
		if _, isRemote, err := ParseRemoteDatabase(in); !isRemote || err == nil || !strings.Contains(err.Error(), errHas) {
			t.Errorf("%s: %v; want an error containing %q", in, err, errHas)
		}
	}
}
