package policy

import (
	"net/mail"
	"strings"
	"testing"
)

func TestParseMailbox(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"job@work.com":              "job@work.com",
		"Job <Job@WORK.com>":        "Job@work.com",
		"o'brien+tag@mail.work.com": "o'brien+tag@mail.work.com",
		"evil%evil.com@work.com":    "",
		"evil!evil.com@work.com":    "",
		`"evil@evil.com"@work.com`:  "",
		`"job"@work.com`:            "",
		`Name <"x y"@work.com>`:     "",
		"<@evil.com:job@work.com>":  "",
		"a@b@work.com":              "",
		"job@[127.0.0.1]":           "",
		"job@work.com.":             "",
		"job@-work.com":             "",
		".job@work.com":             "",
		"job..x@work.com":           "",
		"job@work.com\r\nBcc: x@y":  "",
		`"Zoë \\ X" <z@work.com>`:   "",
		`"Zoe \\ X" <z@work.com>`:   "z@work.com",
		"":                          "",
	} {
		a, err := ParseMailbox(in)
		got := ""
		if err == nil {
			got = a.Address
		}
		if got != want {
			t.Errorf("ParseMailbox(%q) = %q (%v), want %q", in, got, err, want)
		}
	}
}

func TestEmailGrants(t *testing.T) {
	t.Parallel()
	senders := Senders{"job@work.com", "@alerts.work.com"}
	recipients := Recipients{"work.com"}
	for _, c := range []struct {
		addr             string
		sender, receiver bool
	}{
		{"job@work.com", true, true},
		{"JOB@Work.com", true, true},
		{"any@alerts.work.com", true, false},
		{"x@evil.com", false, false},
		{"job@work.com.evil.com", false, false},
		{"boss@sub.work.com", false, false},
	} {
		a, err := ParseMailbox(c.addr)
		if err != nil {
			t.Fatalf("%s: %v", c.addr, err)
		}
		if got := senders.Allows(a); got != c.sender {
			t.Errorf("%s: Senders.Allows = %v, want %v", c.addr, got, c.sender)
		}
		if got := recipients.Allows(a); got != c.receiver {
			t.Errorf("%s: Recipients.Allows = %v, want %v", c.addr, got, c.receiver)
		}
	}
	for from, ok := range map[string]bool{"job@work.com": true, "@work.com": true, "@": false, "Job <job@work.com>": false, `"j"@work.com`: false, "@a@b.com": false} {
		if err := CheckSender(from); (err == nil) != ok {
			t.Errorf("email_from %q: %v, want ok = %v", from, err, ok)
		}
	}
}

// FuzzParseMailbox: whatever a job passes, an accepted address has one
// '@', a plain local part, a host-name domain in lower case, and reads back
// the same from its rendered form.
func FuzzParseMailbox(f *testing.F) {
	for _, s := range []string{"job@work.com", "Job <job@work.com>", `"a@b"@c.com`, "a%b@c.com", "<@a:b@c>", "=?utf-8?q?J=C3=B6b?= <j@w.com>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseMailbox(s)
		if err != nil {
			return
		}
		local, domain, _ := strings.Cut(a.Address, "@")
		if strings.Count(a.Address, "@") != 1 || strings.ContainsAny(local, `%!"`) || domain != strings.ToLower(domain) || !IsDomain(domain) {
			t.Fatalf("%q accepted as %q", s, a.Address)
		}
		again, err := mail.ParseAddress(a.String())
		if err != nil || !strings.EqualFold(again.Address, a.Address) {
			t.Fatalf("%q renders as %q, which reads back as %v (%v)", s, a.String(), again, err)
		}
	})
}
