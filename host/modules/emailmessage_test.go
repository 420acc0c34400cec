package modules

import (
	"context"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/config"
	"github.com/jobbox/jobbox/host/policy"
)

func mustMessage(t *testing.T, fields abi.Table) *message {
	t.Helper()
	m, err := parseMessage(fields)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestMessageBytes: every to and cc address is in the header, bcc is
// not, the subject defaults to "(no subject)", the tag is X-Mailgun-Tag,
// and text with html is multipart/alternative that mime/multipart reads
// back.
func TestMessageBytes(t *testing.T) {
	t.Parallel()
	m := mustMessage(t, abi.Table{
		{Key: "from", Value: "Jobs <jobs@example.com>"},
		{Key: "to", Value: []any{"user1@example.com", "Jim <user2@example.com>", "a@example.com, Bo <b@example.com>"}},
		{Key: "cc", Value: []any{"c@example.com"}},
		{Key: "bcc", Value: []any{"hidden@example.com"}},
		{Key: "text", Value: "plain ünïcode"},
		{Key: "html", Value: "Here is your <b>bold</b> information."},
		{Key: "tag", Value: "appuser"},
	})
	if len(m.recipients()) != 6 {
		t.Errorf("%d envelope recipients, want 6 (4 to, 1 cc, 1 bcc)", len(m.recipients()))
	}
	raw := m.bytes(time.Unix(0, 0))
	msg, err := mail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatalf("%v\n%s", err, raw)
	}
	to, _ := msg.Header.AddressList("To")
	if len(to) != 4 || to[1].Name != "Jim" || to[3].Address != "b@example.com" {
		t.Errorf("To: %v", to)
	}
	for k, want := range map[string]string{"Subject": defaultSubject, "X-Mailgun-Tag": "appuser", "Cc": "<c@example.com>", "Bcc": ""} {
		if got := msg.Header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	kind, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || kind != "multipart/alternative" {
		t.Fatalf("Content-Type %q (%v)", msg.Header.Get("Content-Type"), err)
	}
	r := multipart.NewReader(msg.Body, params["boundary"])
	var bodies []string
	for {
		p, err := r.NextPart() // decodes quoted-printable
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		bodies = append(bodies, p.Header.Get("Content-Type")+" "+strings.TrimSpace(string(b)))
	}
	want := []string{"text/plain; charset=utf-8 plain ünïcode", "text/html; charset=utf-8 Here is your <b>bold</b> information."}
	if fmt.Sprint(bodies) != fmt.Sprint(want) {
		t.Errorf("parts %q, want %q", bodies, want)
	}
}

func TestMessageSinglePart(t *testing.T) {
	t.Parallel()
	m := mustMessage(t, abi.Table{{Key: "from", Value: "jobs@example.com"}, {Key: "to", Value: "u@example.com"}, {Key: "subject", Value: "Café"}, {Key: "html", Value: "<p>hi</p>"}})
	msg, err := mail.ReadMessage(strings.NewReader(string(m.bytes(time.Now()))))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if subject != "Café" || msg.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("Subject %q, Content-Type %q", subject, msg.Header.Get("Content-Type"))
	}
}

// TestMessageRefusals: missing or invalid addresses are 704 material;
// header injection through the subject or the tag is refused.
func TestMessageRefusals(t *testing.T) {
	t.Parallel()
	base := abi.Table{{Key: "from", Value: "jobs@example.com"}, {Key: "to", Value: "u@example.com"}}
	for _, c := range []struct {
		fields  abi.Table
		address bool
		want    string
	}{
		{abi.Table{{Key: "to", Value: "u@example.com"}}, true, "no sender"},
		{abi.Table{{Key: "from", Value: "jobs@example.com"}}, true, "no recipient"},
		{abi.Table{{Key: "from", Value: "jobs@example.com"}, {Key: "to", Value: []any{"ok@example.com", "not an address"}}}, true, "not an email address"},
		{append(base[:2:2], abi.Field{Key: "subject", Value: "x\r\nBcc: evil@evil.com"}), false, "line breaks"},
		{append(base[:2:2], abi.Field{Key: "tag", Value: "x\nBcc: evil@evil.com"}), false, "line breaks"},
	} {
		_, err := parseMessage(c.fields)
		_, isAddress := err.(addressError)
		if err == nil || !strings.Contains(err.Error(), c.want) || isAddress != c.address {
			t.Errorf("%v: %v, want %q (address error %v)", c.fields, err, c.want, c.address)
		}
	}
}

// TestEmailCodesAndTestMode: testMode checks and counts a message but
// sends nothing (the relay here is a closed port); requireTls with
// smtp.tls = "none" is 702; a message without to is 704; a relay that
// cannot be reached is 701.
func TestEmailCodesAndTestMode(t *testing.T) {
	t.Parallel()
	grants := config.Grants{EmailFrom: []string{"jobs@example.com"}, EmailTo: []string{"example.com"}}
	r := testRun(t, "[smtp]\nhost = \"127.0.0.1\"\nport = 1\ntls = \"none\"\ntimeout = \"5s\"\n", grants)
	from, to := abi.Field{Key: "from", Value: "jobs@example.com"}, abi.Field{Key: "to", Value: []any{"u@example.com"}}
	for _, c := range []struct {
		fields abi.Table
		want   []any // the code alone for a failure
	}{
		{abi.Table{from, to, {Key: "testMode", Value: true}}, []any{true}},
		{abi.Table{from, to, {Key: "requireTls", Value: true}}, []any{int64(codeEmailConfig)}},
		{abi.Table{from, {Key: "cc", Value: "u@example.com"}}, []any{int64(codeEmailAddress)}},
		{abi.Table{from, to}, []any{int64(codeEmailNotSent)}},
	} {
		res, err := r.Call(context.Background(), "email", "send", []any{c.fields})
		switch {
		case err != nil:
			t.Errorf("%v: %v", c.fields, err)
		case len(c.want) == 1 && c.want[0] == true:
			if len(res) != 1 || res[0] != true {
				t.Errorf("%v: %v, want true", c.fields, res)
			}
		case len(res) != 3 || res[0] != nil || res[2] != c.want[0]:
			t.Errorf("%v: %v, want nil, err, %v", c.fields, res, c.want[0])
		}
	}
}

// FuzzAddressesOf: whatever a job passes as an address field, every
// address accepted passes the strict check on its own, and none can break
// a header line.
func FuzzAddressesOf(f *testing.F) {
	for _, s := range []string{"user@email.com", "Chris <user@email.com>", "a@x.com, Jim <b@x.com>", `"Doe, J" <j@x.com>`, "=?utf-8?q?=0D=0A?= <a@x.com>", "a@x.com,\r\nBcc: e@e.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		list, err := addressesOf("to", []any{s})
		if err != nil {
			return
		}
		for _, a := range list {
			if _, err := policy.ParseMailbox(a.String()); err != nil {
				t.Errorf("%q gave %q, which the strict check refuses: %v", s, a.String(), err)
			}
			if strings.ContainsAny(a.String(), "\r\n") {
				t.Errorf("%q gave %q, with a line break", s, a.String())
			}
		}
	})
}
