package modules

import (
	"errors"
	"strings"
	"testing"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/config"
	"github.com/jobbox/jobbox/host/sandbox"
)

// TestEmailGrantsCoverEveryAddress: the sender, to, cc, bcc and replyTo are
// parsed strictly and checked against email_from and email_to.
func TestEmailGrantsCoverEveryAddress(t *testing.T) {
	t.Parallel()
	r := &run{jobModules: &jobModules{job: "job", grants: jobGrants{Grants: config.Grants{EmailFrom: []string{"job@work.com"}, EmailTo: []string{"work.com"}}}}}
	for _, c := range []struct {
		field, value, want string // want: "" sent, else the error's text
	}{
		{"to", "boss@work.com", ""},
		{"to", "evil%evil.com@work.com", "local part"},
		{"to", `"evil@evil.com"@work.com`, "quoted local part"},
		{"to", "x@evil.com", "recipient x@evil.com is not granted"},
		{"cc", "x@evil.com", "recipient x@evil.com is not granted"},
		{"bcc", "x@evil.com", "recipient x@evil.com is not granted"},
		{"replyTo", "x@evil.com", "reply-to address x@evil.com is not granted"},
		{"replyTo", "job@work.com", ""},
		{"from", `"job@work.com"@evil.com`, "quoted local part"},
		{"from", "other@work.com", "sender other@work.com is not granted"},
		{"from", "job@work.com.evil.com", "sender job@work.com.evil.com is not granted"},
	} {
		from, to := "job@work.com", "boss@work.com"
		switch c.field {
		case "from":
			from = c.value
		case "to":
			to = c.value
		}
		msg := abi.Table{{Key: "from", Value: from}, {Key: "to", Value: to}}
		if c.field != "from" && c.field != "to" {
			msg = append(msg, abi.Field{Key: c.field, Value: []any{c.value}})
		}
		m, err := parseMessage(msg)
		if err == nil {
			err = r.checkSender(m)
		}
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s %q: %v, want it sent", c.field, c.value, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s %q: %v, want an error with %q", c.field, c.value, err, c.want)
		case strings.Contains(c.want, "not granted") && !errors.Is(err, sandbox.ErrNotGranted):
			t.Errorf("%s %q: %v is not a not-granted error", c.field, c.value, err)
		}
	}
}
