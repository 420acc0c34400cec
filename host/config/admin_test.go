package config

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestAdminSection(t *testing.T) {
	t.Parallel()
	const argon = `$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g`
	const tok = `sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef`
	cases := []struct {
		name, toml, want string // want: "" valid, else a substring of the error
	}{
		{"default", ``, ""},
		{"off", "[admin]\nlisten = \"off\"\n", ""},
		{"users", "[admin]\n[[admin.users]]\nname = \"ann\"\nrole = \"admin\"\npassword_hash = '" + argon + "'\n[[admin.tokens]]\nname = \"ci\"\nrole = \"viewer\"\ntoken_hash = \"" + tok + "\"\n", ""},
		{"remote plaintext", "[admin]\nlisten = \"0.0.0.0:8610\"\n", "2:1: admin.listen 0.0.0.0:8610 is not a loopback address"},
		{"remote opt-out", "[admin]\nlisten = \"0.0.0.0:8610\"\ninsecure_plaintext_remote_i_know_credentials_cross_the_network_in_clear = true\n", ""},
		{"remote tls", "[admin]\nlisten = \":8610\"\ncert_file = \"c.pem\"\nkey_file = \"k.pem\"\n", ""},
		{"half tls", "[admin]\ncert_file = \"c.pem\"\n", "set both cert_file and key_file"},
		{"bad listen", "[admin]\nlisten = \"8610\"\n", "must be host:port"},
		{"plain password", "[admin]\n[[admin.users]]\nname = \"ann\"\nrole = \"admin\"\npassword_hash = \"hunter2\"\n", "admin user \"ann\": password_hash must be an argon2id or bcrypt hash"},
		{"bad role", "[admin]\n[[admin.tokens]]\nname = \"ci\"\nrole = \"root\"\ntoken_hash = \"" + tok + "\"\n", "role \"root\" must be one of viewer, operator, admin"},
		{"dup name", "[admin]\n[[admin.users]]\nname = \"ci\"\nrole = \"admin\"\npassword_hash = '" + argon + "'\n[[admin.tokens]]\nname = \"ci\"\nrole = \"viewer\"\ntoken_hash = \"" + tok + "\"\n", "used twice"},
		{"short ttl", "[admin]\nsession_ttl = \"5s\"\n", "session_ttl must be from 1m"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := DefaultConfig()
			if err := c.Parse([]byte(tc.toml), filepath.Join(t.TempDir(), "config.toml")); err != nil {
				t.Fatal(err)
			}
			err := c.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("want valid, got %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("want an error containing %q, got %v", tc.want, err)
			}
		})
	}
}
