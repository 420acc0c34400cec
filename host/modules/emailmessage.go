package modules

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/policy"
)

// defaultSubject is the subject of a message that sets none (email.md).
const defaultSubject = "(no subject)"

// message is a parsed core.email message.
type message struct {
	from                 *mail.Address
	to, cc, bcc, replyTo []*mail.Address
	subject, text, html  string
	tag                  string // X-Mailgun-Tag
	requireTLS           bool   // refuse to send over a connection without TLS
	skipVerification     bool   // if smtp.allow_skip_verification: do not verify the relay's certificate
	testMode             bool   // check and count, but do not deliver
}

// addressError is a message whose addresses are missing or invalid (704).
type addressError struct{ error }

// parseMessage reads the fields the guest's message object collected.
func parseMessage(t abi.Table) (*message, error) {
	m := &message{subject: defaultSubject}
	from, _ := t.Get("from").(string)
	if from == "" {
		return nil, addressError{errors.New("the message has no sender (from)")}
	}
	var err error
	if m.from, err = policy.ParseMailbox(from); err != nil {
		return nil, addressError{fmt.Errorf("from: %w", err)}
	}
	for _, f := range []struct {
		key string
		dst *[]*mail.Address
	}{{"to", &m.to}, {"cc", &m.cc}, {"bcc", &m.bcc}, {"replyTo", &m.replyTo}} {
		if *f.dst, err = addressesOf(f.key, t.Get(f.key)); err != nil {
			return nil, addressError{err}
		}
	}
	if len(m.to) == 0 {
		return nil, addressError{errors.New("the message has no recipient (to)")}
	}
	if s, set := t.Get("subject").(string); set && s != "" {
		m.subject = s
	}
	m.text, _ = t.Get("text").(string)
	m.html, _ = t.Get("html").(string)
	m.tag, _ = t.Get("tag").(string)
	if strings.ContainsAny(m.subject+m.tag, "\r\n") {
		return nil, errors.New("the subject and the tag may not contain line breaks")
	}
	m.requireTLS, _ = t.Get("requireTls").(bool)
	m.skipVerification, _ = t.Get("skipVerification").(bool)
	m.testMode, _ = t.Get("testMode").(bool)
	return m, nil
}

// addressesOf reads one address field: a string or a list of strings,
// each one address or several separated by commas ("a@x.com, Jim
// <b@x.com>"), every one parsed strictly.
func addressesOf(key string, v any) ([]*mail.Address, error) {
	var list []string
	switch x := v.(type) {
	case nil:
	case string:
		list = []string{x}
	case []any:
		for _, item := range x {
			s, isText := item.(string)
			if !isText {
				return nil, fmt.Errorf("%s must hold addresses, not %s", key, abi.TypeName(item))
			}
			list = append(list, s)
		}
	default:
		return nil, fmt.Errorf("%s must hold addresses, not %s", key, abi.TypeName(v))
	}
	var out []*mail.Address
	for _, s := range list {
		parts := []string{s}
		// A comma-separated list is split by the RFC 5322 parser, and each
		// address it finds goes through the same strict check again.
		if several, err := mail.ParseAddressList(s); err == nil && len(several) > 1 {
			parts = parts[:0]
			for _, a := range several {
				parts = append(parts, a.String())
			}
		}
		for _, p := range parts {
			addr, err := policy.ParseMailbox(p)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", key, err)
			}
			out = append(out, addr)
		}
	}
	return out, nil
}

// checkSender applies the job's grants: the sender must be granted, every
// recipient (to, cc, bcc) must be in the granted domains when the grant
// names any, and a reply-to address must be one the job could send as or
// write to.
func (r *run) checkSender(m *message) error {
	senders, recipients := policy.Senders(r.grants.EmailFrom), policy.Recipients(r.grants.EmailTo)
	if !senders.Allows(m.from) {
		return r.notGranted("core.email sender %s", m.from.Address)
	}
	for _, list := range [][]*mail.Address{m.to, m.cc, m.bcc} {
		for _, a := range list {
			if !recipients.Allows(a) {
				return r.notGranted("core.email recipient %s", a.Address)
			}
		}
	}
	for _, a := range m.replyTo {
		if !recipients.Allows(a) && !senders.Allows(a) {
			return r.notGranted("core.email reply-to address %s", a.Address)
		}
	}
	return nil
}

// recipients are the envelope's recipients: to, cc and bcc.
func (m *message) recipients() []*mail.Address {
	return append(append(append([]*mail.Address(nil), m.to...), m.cc...), m.bcc...)
}

// bytes renders the message (without Bcc) in RFC 5322 form: text, HTML or
// both as multipart/alternative, each part quoted-printable UTF-8.
func (m *message) bytes(now time.Time) []byte {
	var b bytes.Buffer
	header := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	header("From", m.from.String())
	header("To", joinAddresses(m.to))
	if len(m.cc) > 0 {
		header("Cc", joinAddresses(m.cc))
	}
	if len(m.replyTo) > 0 {
		header("Reply-To", joinAddresses(m.replyTo))
	}
	header("Subject", mime.QEncoding.Encode("utf-8", m.subject))
	header("Date", now.Format(time.RFC1123Z))
	header("Message-ID", "<"+randomHex(16)+"@"+policy.MailboxDomain(m.from)+">")
	if m.tag != "" {
		header("X-Mailgun-Tag", mime.QEncoding.Encode("utf-8", m.tag))
	}
	header("MIME-Version", "1.0")
	if m.html == "" || m.text == "" {
		kind, body := "text/plain", m.text
		if m.html != "" {
			kind, body = "text/html", m.html
		}
		writePart(&b, textHeader(kind), body, true)
		return b.Bytes()
	}
	w := multipart.NewWriter(&b)
	header("Content-Type", "multipart/alternative; boundary="+w.Boundary())
	b.WriteString("\r\n")
	for _, p := range []struct{ kind, body string }{{"text/plain", m.text}, {"text/html", m.html}} {
		part, _ := w.CreatePart(textHeader(p.kind)) // writes to a buffer: no error
		writePart(part, nil, p.body, false)
	}
	_ = w.Close()
	return b.Bytes()
}

func textHeader(kind string) textproto.MIMEHeader {
	return textproto.MIMEHeader{
		"Content-Type":              {mime.FormatMediaType(kind, map[string]string{"charset": "utf-8"})},
		"Content-Transfer-Encoding": {"quoted-printable"},
	}
}

// writePart writes a body quoted-printable, after its header when
// withHeader (a single-part message, whose header is the message's).
func writePart(w io.Writer, h textproto.MIMEHeader, body string, withHeader bool) {
	if withHeader {
		for _, k := range []string{"Content-Type", "Content-Transfer-Encoding"} {
			fmt.Fprintf(w, "%s: %s\r\n", k, h.Get(k))
		}
		_, _ = io.WriteString(w, "\r\n")
	}
	qp := quotedprintable.NewWriter(w)
	_, _ = qp.Write([]byte(body))
	_ = qp.Close()
	_, _ = io.WriteString(w, "\r\n")
}

func joinAddresses(list []*mail.Address) string {
	s := make([]string, len(list))
	for i, a := range list {
		s[i] = a.String()
	}
	return strings.Join(s, ", ")
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
