package options

import (
	"time"

	"github.com/jobbox/jobbox/host/policy"
	"github.com/jobbox/jobbox/host/setting"
)

// SMTP is the [smtp] table: the relay core.email sends through.
type SMTP struct {
	Host     string `toml:"host"`
	Port     int    `toml:"port"`
	Username string `toml:"username"`
	Password string `toml:"password"`
	// TLS is "starttls" (upgrade when the server offers it; required when
	// a password is set), "tls" (implicit TLS, port 465) or "none".
	TLS string `toml:"tls"`
	// CAFile adds trusted roots (PEM) for the relay's certificate.
	CAFile string `toml:"ca_file"`
	// Timeout bounds sending one message.
	Timeout setting.Duration `toml:"timeout"`
	// MaxMessages bounds the messages one run may send.
	MaxMessages int `toml:"max_messages"`
	// AllowSkipVerification lets a message's skipVerification(true) turn
	// off the check of the relay's certificate; without it the
	// certificate is always verified.
	AllowSkipVerification bool `toml:"allow_skip_verification"`
}

// DefaultSMTP is [smtp] when the config leaves it out.
func DefaultSMTP() SMTP {
	return SMTP{Port: 25, TLS: "starttls", Timeout: setting.DurationOf(30 * time.Second), MaxMessages: 10}
}

// Validate checks [smtp].
func (s SMTP) Validate(c *Checker) {
	switch s.TLS {
	case "starttls", "tls", "none":
	default:
		c.Fail("smtp.tls", "smtp.tls %q must be starttls, tls or none", s.TLS)
	}
	if s.Host != "" && (s.Port < 1 || s.Port > 65535) {
		c.Fail("smtp.port", "smtp.port must be from 1 to 65535, not %d", s.Port)
	}
	if s.Password != "" && s.TLS == "none" {
		c.Fail("smtp.password", "smtp: a password is never sent without TLS; set tls to starttls or tls")
	}
	if s.MaxMessages < 1 || s.MaxMessages > maxMessages {
		c.Fail("smtp.max_messages", "smtp.max_messages must be from 1 to %d", maxMessages)
	}
	checkTimeout(s.Timeout, "smtp.timeout", "smtp.timeout", c)
	c.Readable(s.CAFile, "smtp.ca_file")
}

// ValidateGrants checks a job's senders and recipient domains, and that a
// job that may send has a relay to send through.
func (s SMTP) ValidateGrants(g Grants, job Job, c *Checker) {
	for _, from := range g.EmailFrom {
		if err := policy.CheckSender(from); err != nil {
			c.Fail(job.Key+".email_from", "%s: email_from %q %v", job.Label, from, err)
		}
	}
	if len(g.EmailFrom) > 0 && s.Host == "" {
		c.Fail(job.Key+".email_from", "%s may send email, but no [smtp] host is configured", job.Label)
	}
	for _, domain := range g.EmailTo {
		if !policy.IsDomain(domain) {
			c.Fail(job.Key+".email_to", "%s: email_to %q must be a domain like \"example.com\"", job.Label, domain)
		}
	}
}
