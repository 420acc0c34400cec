package policy

import (
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
)

// localPart is a dot-atom (RFC 5322) without '%' and '!', which some relays
// still read as routes ("evil%evil.com@work.com" delivers to evil.com).
var localPart = regexp.MustCompile("^[A-Za-z0-9#$&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9#$&'*+/=?^_`{|}~-]+)*$")

// domainName is a host name of letters, digits and hyphens: no address
// literals ([1.2.3.4]), no trailing dot.
var domainName = regexp.MustCompile(`^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)

// ParseMailbox reads one address, with or without a display name, and
// refuses the forms that mean something else to some relay than to a
// grant's check: quoted local parts, '%' or '!' routes, source routes,
// more than one '@', address literals. The address comes back with its
// domain in lower case.
func ParseMailbox(s string) (*mail.Address, error) {
	a, err := mail.ParseAddress(s)
	if err != nil {
		return nil, fmt.Errorf("%q is not an email address", s)
	}
	spec := s
	if i := strings.LastIndex(s, "<"); i >= 0 {
		spec = s[i:]
	}
	if strings.Contains(spec, `"`) {
		return nil, fmt.Errorf("%q has a quoted local part, which is not accepted", s)
	}
	local, domain, _ := strings.Cut(a.Address, "@")
	switch {
	case strings.Count(a.Address, "@") != 1:
		return nil, fmt.Errorf("%q has more than one '@'", s)
	case !localPart.MatchString(local):
		return nil, fmt.Errorf("%q has a local part with characters other than letters, digits and .+-_ (no %%, !, quotes or routes)", s)
	case !IsDomain(domain):
		return nil, fmt.Errorf("%q has a domain that is not a host name", s)
	}
	a.Address = local + "@" + strings.ToLower(domain)
	// net/mail writes a non-ASCII name with a backslash as an encoded word
	// it cannot read back, so such a name would corrupt the header it is
	// written into.
	if again, err := mail.ParseAddress(a.String()); err != nil || again.Address != a.Address {
		return nil, fmt.Errorf("%q has a display name that cannot be written into a mail header; leave out its backslashes", s)
	}
	return a, nil
}

// IsDomain reports whether s is a host name usable as a mail domain.
func IsDomain(s string) bool { return len(s) <= 253 && domainName.MatchString(s) }

// MailboxDomain is the lower-case domain of an address ParseMailbox returned.
func MailboxDomain(a *mail.Address) string {
	_, d, _ := strings.Cut(a.Address, "@")
	return strings.ToLower(d)
}

// Senders are a job's email_from grants: exact addresses, or "@domain"
// for any address of a domain. None means the job cannot send.
type Senders []string

// Allows reports whether the grants let a job send as addr: an exact
// address (local parts compared without case) or "@domain".
func (s Senders) Allows(addr *mail.Address) bool {
	for _, from := range s {
		if d, ok := strings.CutPrefix(from, "@"); ok {
			if strings.EqualFold(d, MailboxDomain(addr)) {
				return true
			}
		} else if strings.EqualFold(from, addr.Address) {
			return true
		}
	}
	return false
}

// Recipients are a job's email_to grants: the domains it may write to.
// None means any.
type Recipients []string

// Allows reports whether the grants let a job write to addr: any address
// when there are none, else one of their domains exactly.
func (r Recipients) Allows(addr *mail.Address) bool {
	if len(r) == 0 {
		return true
	}
	for _, d := range r {
		if strings.EqualFold(d, MailboxDomain(addr)) {
			return true
		}
	}
	return false
}

var errBadFrom = errors.New(`must be an address (no display name) or "@domain"`)

// CheckSender validates one email_from grant. Its errors complete a
// sentence that starts with the grant ("email_from "x" must be ...").
func CheckSender(from string) error {
	if domain, ok := strings.CutPrefix(from, "@"); ok {
		if !IsDomain(domain) {
			return errBadFrom
		}
		return nil
	}
	a, err := ParseMailbox(from)
	if err != nil {
		return fmt.Errorf("%w: %w", errBadFrom, err)
	}
	if a.Name != "" || !strings.EqualFold(a.Address, from) {
		return errBadFrom
	}
	return nil
}
