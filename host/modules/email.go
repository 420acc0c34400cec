package modules

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"strconv"
	"time"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/modules/options"
)

// The email codes of client/codes.md, the third value of a failed send.
const (
	codeEmailNotSent = 701 // Email could not be sent.
	codeEmailConfig  = 702 // Email configuration is not set or invalid.
	codeEmailAddress = 704 // Email address not found or invalid.
)

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

// call serves core.email: "send" with the fields the guest's message
// object collected. A sender or recipient outside the grants fails the
// run; a message that cannot be sent returns nil, err, code.
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
		code := codeEmailNotSent
		if errors.As(err, new(addressError)) {
			code = codeEmailAddress
		}
		return failure(fmt.Errorf("core.email: %w", err), int64(code)), nil
	}
	if err := r.checkSender(msg); err != nil {
		return nil, err
	}
	cfg := m.opts
	if cfg.Host == "" {
		return failure(errors.New("core.email: no [smtp] host is configured"), int64(codeEmailConfig)), nil
	}
	if msg.requireTLS && cfg.TLS == "none" {
		return failure(errors.New("core.email: the message requires TLS, and smtp.tls is none"), int64(codeEmailConfig)), nil
	}
	st := stateOf(r, abi.FuncEmail, func() *emailRun { return &emailRun{} })
	if st.messages++; st.messages > cfg.MaxMessages {
		return failure(fmt.Errorf("core.email: more than %d messages in one run (smtp.max_messages)", cfg.MaxMessages), int64(codeEmailNotSent)), nil
	}
	if msg.testMode {
		return ok(true), nil
	}
	sendCtx, cancel := context.WithTimeout(ctx, cfg.Timeout.Duration())
	defer cancel()
	if err := m.send(sendCtx, msg); err != nil {
		if ctx.Err() != nil { // the run's deadline, not smtp.timeout
			err = deadlineError(ctx)
		}
		return failure(fmt.Errorf("core.email: sending through %s: %w", cfg.Host, err), int64(codeEmailNotSent)), nil
	}
	return ok(true), nil
}

// dial connects to the relay, in TLS from the start with smtp.tls = "tls",
// and ends the conversation when ctx ends, whatever it waits on.
func (e *emailModule) dial(ctx context.Context, tlsCfg *tls.Config) (net.Conn, func(), error) {
	cfg := e.opts
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port)))
	if err != nil {
		return nil, nil, err
	}
	if deadline, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(deadline)
	}
	// A run also ends by cancellation (its time limit, a shutdown), which
	// no deadline foresees.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	if cfg.TLS == "tls" {
		conn = tls.Client(conn, tlsCfg)
	}
	return conn, func() { stop(); conn.Close() }, nil
}

// send delivers m through the configured relay.
func (e *emailModule) send(ctx context.Context, m *message) error {
	cfg := e.opts
	tlsCfg := tlsConfig(e.roots, cfg.Host)
	// skipVerification is the operator's to allow: without
	// smtp.allow_skip_verification the relay's certificate is verified.
	tlsCfg.InsecureSkipVerify = m.skipVerification && cfg.AllowSkipVerification
	conn, closeConn, err := e.dial(ctx, tlsCfg)
	if err != nil {
		return err
	}
	defer closeConn()
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
		} else if m.requireTLS {
			return errors.New("the message requires TLS (requireTls), and the relay does not offer STARTTLS")
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
	for _, a := range m.recipients() {
		if err := c.Rcpt(a.Address); err != nil {
			return fmt.Errorf("recipient %s: %w", a.Address, err)
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
