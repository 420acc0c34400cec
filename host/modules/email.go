package modules

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"strconv"
	"strings"
	"time"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/modules/options"
	"github.com/jobbox/jobbox/host/policy"
)

// message is a parsed core.email message.
type message struct {
	from                 *mail.Address
	to, cc, bcc, replyTo []*mail.Address
	subject, text, html  string
}

// emailModule is core.email: messages through the operator's relay.
type emailModule struct {
	opts  options.SMTP
	roots *x509.CertPool // nil: the system's
}

func newEmailModule(set options.Set, _ shared) coreModule { return &emailModule{opts: set.SMTP} }

// emailRun is a run's use of core.email.
type emailRun struct{ messages int }

func (*emailRun) close() {}

func (m *emailModule) provision() (err error) {
	if m.roots, err = loadRoots(m.opts.CAFile); err != nil {
		return fmt.Errorf("smtp.ca_file: %w", err)
	}
	return nil
}

// call serves core.email: "send" with the fields the builder collected.
func (m *emailModule) call(ctx context.Context, r *run, method string, a args) ([]any, error) {
	if len(r.grants.EmailFrom) == 0 {
		return nil, r.notGranted("core.email")
	}
	if method != "send" {
		return nil, fmt.Errorf("core.email has no method %q", method)
	}
	fields, err := a.table(0, "core.email send's message")
	if err != nil {
		return nil, err
	}
	msg, err := parseMessage(fields)
	if err != nil {
		return failure(fmt.Errorf("core.email: %w", err)), nil
	}
	if err := r.checkSender(msg); err != nil {
		return nil, err
	}
	smtpCfg := m.opts
	st := stateOf(r, abi.FuncEmail, func() *emailRun { return &emailRun{} })
	if st.messages++; st.messages > smtpCfg.MaxMessages {
		return failure(fmt.Errorf("core.email: more than %d messages in one run (smtp.max_messages)", smtpCfg.MaxMessages)), nil
	}
	sendCtx, cancel := context.WithTimeout(ctx, smtpCfg.Timeout.Duration())
	defer cancel()
	if err := m.send(sendCtx, msg); err != nil {
		if ctx.Err() != nil { // the run's deadline, not smtp.timeout
			err = deadlineError(ctx)
		}
		return failure(fmt.Errorf("core.email: sending through %s: %w", smtpCfg.Host, err)), nil
	}
	return ok(true), nil
}

func parseMessage(t abi.Table) (*message, error) {
	m := &message{}
	var err error
	from, _ := t.Get("from").(string)
	if from == "" {
		return nil, errors.New("the message has no sender (from)")
	}
	if m.from, err = policy.ParseMailbox(from); err != nil {
		return nil, fmt.Errorf("from: %w", err)
	}
	for _, f := range []struct {
		key string
		dst *[]*mail.Address
	}{{"to", &m.to}, {"cc", &m.cc}, {"bcc", &m.bcc}, {"replyTo", &m.replyTo}} {
		var list []string
		switch v := t.Get(f.key).(type) {
		case string:
			list = []string{v}
		case []any:
			for _, item := range v {
				s, ok := item.(string)
				if !ok {
					return nil, fmt.Errorf("%s must hold addresses, not %s", f.key, abi.TypeName(item))
				}
				list = append(list, s)
			}
		}
		for _, s := range list {
			addr, err := policy.ParseMailbox(s)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", f.key, err)
			}
			*f.dst = append(*f.dst, addr)
		}
	}
	if len(m.to)+len(m.cc)+len(m.bcc) == 0 {
		return nil, errors.New("the message has no recipient (to, cc or bcc)")
	}
	m.subject, _ = t.Get("subject").(string)
	if strings.ContainsAny(m.subject, "\r\n") {
		return nil, errors.New("the subject may not contain line breaks")
	}
	m.text, _ = t.Get("text").(string)
	m.html, _ = t.Get("html").(string)
	return m, nil
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

// send delivers m through the configured relay.
func (e *emailModule) send(ctx context.Context, m *message) error {
	cfg := e.opts
	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
	dialer := &net.Dialer{}
	conn, err := dialer.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	if deadline, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(deadline)
	}
	// A run also ends by cancellation (its time limit, a shutdown), which
	// no deadline foresees: end the conversation then, whatever it waits on.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	tlsCfg := tlsConfig(e.roots, cfg.Host)
	if cfg.TLS == "tls" {
		conn = tls.Client(conn, tlsCfg)
	}
	c, err := smtp.NewClient(conn, cfg.Host)
	if err != nil {
		return err
	}
	defer c.Close()
	if cfg.TLS == "starttls" {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(tlsCfg); err != nil {
				return err
			}
		} else if cfg.Password != "" {
			return errors.New("the relay does not offer STARTTLS, and the password is never sent in the clear")
		}
	}
	if cfg.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", cfg.Username, cfg.Password, cfg.Host)); err != nil {
			return err
		}
	}
	if err := c.Mail(m.from.Address); err != nil {
		return err
	}
	for _, list := range [][]*mail.Address{m.to, m.cc, m.bcc} {
		for _, a := range list {
			if err := c.Rcpt(a.Address); err != nil {
				return fmt.Errorf("recipient %s: %w", a.Address, err)
			}
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(m.bytes(time.Now())); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// bytes renders the message (without Bcc) in RFC 5322 form, as text, HTML
// or both as multipart/alternative.
func (m *message) bytes(now time.Time) []byte {
	var b bytes.Buffer
	header := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	join := func(list []*mail.Address) string {
		s := make([]string, len(list))
		for i, a := range list {
			s[i] = a.String()
		}
		return strings.Join(s, ", ")
	}
	header("From", m.from.String())
	if len(m.to) > 0 {
		header("To", join(m.to))
	}
	if len(m.cc) > 0 {
		header("Cc", join(m.cc))
	}
	if len(m.replyTo) > 0 {
		header("Reply-To", join(m.replyTo))
	}
	header("Subject", mime.QEncoding.Encode("utf-8", m.subject))
	header("Date", now.Format(time.RFC1123Z))
	header("Message-ID", "<"+randomHex(16)+"@"+domainOf(m.from.Address)+">")
	header("MIME-Version", "1.0")
	part := func(contentType, body string) {
		fmt.Fprintf(&b, "Content-Type: %s; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n", contentType)
		qp := quotedprintable.NewWriter(&b)
		_, _ = qp.Write([]byte(body))
		_ = qp.Close()
		b.WriteString("\r\n")
	}
	switch {
	case m.html != "" && m.text != "":
		boundary := randomHex(12)
		header("Content-Type", `multipart/alternative; boundary="`+boundary+`"`)
		b.WriteString("\r\n")
		for _, p := range []struct{ t, body string }{{"text/plain", m.text}, {"text/html", m.html}} {
			b.WriteString("--" + boundary + "\r\n")
			part(p.t, p.body)
		}
		b.WriteString("--" + boundary + "--\r\n")
	case m.html != "":
		part("text/html", m.html)
	default:
		part("text/plain", m.text)
	}
	return b.Bytes()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func domainOf(addr string) string {
	_, d, _ := strings.Cut(addr, "@")
	return d
}
