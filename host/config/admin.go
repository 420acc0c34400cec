package config

import (
	"fmt"
	"net"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Admin is the [admin] section: the HTTP admin API's listener and who may
// use it. Users and tokens are kept here, hashed, so the config file stays
// the one place an operator grants access (docs/admin-api.md).
type Admin struct {
	// Listen is the API's address; "off" serves no HTTP API (the unix
	// socket stays).
	Listen string `toml:"listen"`
	// CertFile and KeyFile serve the API over TLS; a relative path is
	// relative to the config file.
	CertFile string `toml:"cert_file"`
	KeyFile  string `toml:"key_file"`
	// InsecurePlaintextRemote allows a non-loopback listener without TLS,
	// where passwords, tokens and session cookies cross the network in
	// clear. Only for a TLS-terminating proxy on a trusted network.
	InsecurePlaintextRemote bool `toml:"insecure_plaintext_remote_i_know_credentials_cross_the_network_in_clear"`
	// SessionTTL is how long a browser session lasts after its login.
	SessionTTL Duration     `toml:"session_ttl"`
	Users      []AdminUser  `toml:"users"`
	Tokens     []AdminToken `toml:"tokens"`
}

// AdminUser is one [[admin.users]] entry, who logs in with a password.
type AdminUser struct {
	Name string `toml:"name"`
	Role string `toml:"role"`
	// PasswordHash is made by `jobbox hash-password`: an argon2id PHC
	// string or a bcrypt hash, never the password.
	PasswordHash string `toml:"password_hash"`
}

// AdminToken is one [[admin.tokens]] entry, an API token for scripts.
type AdminToken struct {
	Name string `toml:"name"`
	Role string `toml:"role"`
	// TokenHash is "sha256:" and the hex SHA-256 of the token, as
	// `jobbox new-token` prints it.
	TokenHash string `toml:"token_hash"`
}

// AdminOff is the Listen value that serves no HTTP API.
const AdminOff = "off"

// Roles of the admin API, each allowed what the one before it is.
var adminRoles = []string{"viewer", "operator", "admin"}

var (
	argon2idHash = regexp.MustCompile(`^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$`)
	bcryptHash   = regexp.MustCompile(`^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$`)
	tokenHash    = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)
)

func defaultAdmin() Admin {
	return Admin{Listen: "127.0.0.1:8610", SessionTTL: DurationOf(12 * time.Hour)}
}

// IsLoopback reports whether the API listens on a loopback address only.
func (a Admin) IsLoopback() bool {
	host, _, err := net.SplitHostPort(a.Listen)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// TLS reports whether the API is served over TLS.
func (a Admin) TLS() bool { return a.CertFile != "" }

func (c *Config) validateAdmin(fail failFunc) {
	a := c.Admin
	if a.Listen != AdminOff {
		if _, port, err := net.SplitHostPort(a.Listen); err != nil || port == "" {
			fail("admin.listen", "admin.listen %q must be host:port, such as 127.0.0.1:8610, or \"off\"", a.Listen)
		} else if !a.IsLoopback() && !a.TLS() && !a.InsecurePlaintextRemote {
			fail("admin.listen", "admin.listen %s is not a loopback address: set cert_file and key_file to serve it over TLS, so passwords and tokens do not cross the network in clear", a.Listen)
		}
	}
	if (a.CertFile == "") != (a.KeyFile == "") {
		fail("admin", "admin: set both cert_file and key_file, or neither")
	}
	if ttl := a.SessionTTL; ttl.Err() != nil {
		fail("admin.session_ttl", "admin.session_ttl %v", ttl.Err())
	} else if d := ttl.Duration(); d < time.Minute || d > 30*24*time.Hour {
		fail("admin.session_ttl", "admin.session_ttl must be from 1m to 30 days, not %s", d)
	}
	names := map[string]bool{}
	for i, u := range a.Users {
		key := fmt.Sprintf("admin.users.%d", i)
		checkPrincipal(key, "user", u.Name, u.Role, names, fail)
		if !argon2idHash.MatchString(u.PasswordHash) && !bcryptHash.MatchString(u.PasswordHash) {
			fail(key+".password_hash", "admin user %q: password_hash must be an argon2id or bcrypt hash made by `jobbox hash-password`, never a password", u.Name)
		}
	}
	for i, t := range a.Tokens {
		key := fmt.Sprintf("admin.tokens.%d", i)
		checkPrincipal(key, "token", t.Name, t.Role, names, fail)
		if !tokenHash.MatchString(t.TokenHash) {
			fail(key+".token_hash", "admin token %q: token_hash must be \"sha256:\" and 64 hex digits, as `jobbox new-token` prints it", t.Name)
		}
	}
}

// checkPrincipal checks a user's or token's name and role; names are
// unique over users and tokens, since the audit log names either.
func checkPrincipal(key, kind, name, role string, names map[string]bool, fail failFunc) {
	switch {
	case !jobName.MatchString(name):
		fail(key+".name", "admin %s name %q may hold only letters, digits, '.', '_' and '-' (at most 64)", kind, name)
	case names[name]:
		fail(key+".name", "admin %s name %q is used twice among users and tokens", kind, name)
	}
	names[name] = true
	if !slices.Contains(adminRoles, role) {
		fail(key+".role", "admin %s %q: role %q must be one of %s", kind, name, role, strings.Join(adminRoles, ", "))
	}
}
