// Package services starts the real servers the integration tests talk to:
// MariaDB (started by .ci/mariadb), an SMTP server (aiosmtpd, from Debian's
// python3-aiosmtpd) and HTTPS servers on loopback, with certificates from a
// test CA.
package services

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"database/sql"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql" // the driver the product uses
)

// MySQLBase is the DSN of the test server without a database: from
// $JOBBOX_TEST_MYSQL, or what .ci/mariadb starts.
func MySQLBase() string {
	if dsn := os.Getenv("JOBBOX_TEST_MYSQL"); dsn != "" {
		return dsn
	}
	return "jobbox:jobbox@tcp(127.0.0.1:3307)/"
}

// Database creates a fresh database on the test server, runs the setup
// statements in it, and drops it when the test ends. It returns the
// database's name and a connection to it.
func Database(t *testing.T, setup ...string) (string, *sql.DB) {
	t.Helper()
	admin, err := sql.Open("mysql", MySQLBase())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	name := fmt.Sprintf("jobbox_test_%d_%d", time.Now().UnixNano()%1e9, os.Getpid())
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("creating a database on %s (is MariaDB running? bash .ci/mariadb starts it): %v", MySQLBase(), err)
	}
	t.Cleanup(func() { _, _ = admin.Exec("DROP DATABASE " + name) })
	db, err := sql.Open("mysql", MySQLBase()+name)
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	for _, st := range setup {
		if _, err := db.Exec(st); err != nil {
			t.Fatalf("%s: %v", st, err)
		}
	}
	return name, db
}

// Account creates an account that reaches database name only, as the
// README tells operators to, and drops it when the test ends. It returns
// the account's DSN for that database, and its user name.
func Account(t *testing.T, name string) (dsn, user string) {
	t.Helper()
	admin, err := sql.Open("mysql", MySQLBase())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	user = fmt.Sprintf("jbx_%d_%d", time.Now().UnixNano()%1e12, os.Getpid()%1e5)
	password := fmt.Sprintf("pw%d", time.Now().UnixNano())
	// In a database-level grant _ and % are wildcards: escape them, so
	// the grant names this database alone.
	pattern := strings.NewReplacer("_", `\_`, "%", `\%`).Replace(name)
	for _, st := range []string{
		fmt.Sprintf("CREATE USER '%s'@'%%' IDENTIFIED BY '%s'", user, password),
		fmt.Sprintf("GRANT ALL PRIVILEGES ON `%s`.* TO '%s'@'%%'", pattern, user),
	} {
		if _, err := admin.Exec(st); err != nil {
			t.Fatalf("%s: %v", st, err)
		}
	}
	t.Cleanup(func() { _, _ = admin.Exec(fmt.Sprintf("DROP USER '%s'@'%%'", user)) })
	cfg, err := mysql.ParseDSN(MySQLBase())
	if err != nil {
		t.Fatal(err)
	}
	cfg.User, cfg.Passwd, cfg.DBName = user, password, name
	return cfg.FormatDSN(), user
}

// CA is a test certificate authority.
type CA struct {
	cert    *x509.Certificate
	key     *ecdsa.PrivateKey
	PEMFile string // the CA certificate, for ca_file settings
}

// NewCA makes a CA and writes its certificate to a file in dir.
func NewCA(t *testing.T, dir string) *CA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "jobbox test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	ca := &CA{cert: cert, key: key, PEMFile: filepath.Join(dir, "ca.pem")}
	writePEM(t, ca.PEMFile, "CERTIFICATE", der)
	return ca
}

// Issue makes a server certificate for names (host names or IPs).
func (ca *CA) Issue(t *testing.T, names ...string) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: names[0]},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// WriteKeyPair writes a certificate and its key as PEM files in dir.
func WriteKeyPair(t *testing.T, dir, name string, c tls.Certificate) (certFile, keyFile string) {
	t.Helper()
	certFile, keyFile = filepath.Join(dir, name+".crt"), filepath.Join(dir, name+".key")
	writePEM(t, certFile, "CERTIFICATE", c.Certificate[0])
	der, err := x509.MarshalECPrivateKey(c.PrivateKey.(*ecdsa.PrivateKey))
	if err != nil {
		t.Fatal(err)
	}
	writePEM(t, keyFile, "EC PRIVATE KEY", der)
	return certFile, keyFile
}

func writePEM(t *testing.T, path, kind string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// HTTPS starts an HTTPS server on loopback with a certificate for names.
func HTTPS(t *testing.T, ca *CA, h http.Handler, names ...string) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{ca.Issue(t, names...)}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// SMTP is a running aiosmtpd that stores what it receives in a Maildir.
type SMTP struct {
	Addr    string
	maildir string
}

// StartSMTP runs aiosmtpd on a free loopback port, requiring STARTTLS with
// a certificate for 127.0.0.1 from ca.
func StartSMTP(t *testing.T, ca *CA, dir string) *SMTP {
	t.Helper()
	python := ""
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(p, "-c", "import aiosmtpd").Run() == nil {
			python = p
			break
		}
	}
	if python == "" {
		t.Fatal("aiosmtpd is not installed (apt-get install python3-aiosmtpd; .ci/run does it)")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	certFile, keyFile := WriteKeyPair(t, dir, "smtp", ca.Issue(t, "127.0.0.1"))
	s := &SMTP{Addr: addr, maildir: filepath.Join(dir, "maildir")}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, python, "-m", "aiosmtpd", "-n", "-l", addr,
		"--tlscert", certFile, "--tlskey", keyFile,
		"-c", "aiosmtpd.handlers.Mailbox", s.maildir)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	for deadline := time.Now().Add(20 * time.Second); ; {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("aiosmtpd did not start on %s: %s", addr, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Messages returns the raw messages received so far.
func (s *SMTP) Messages(t *testing.T) []string {
	t.Helper()
	var msgs []string
	for _, sub := range []string{"new", "cur"} {
		files, _ := filepath.Glob(filepath.Join(s.maildir, sub, "*"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			msgs = append(msgs, string(b))
		}
	}
	return msgs
}

// Port is the port of a host:port address.
func Port(t *testing.T, addr string) string {
	t.Helper()
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	return port
}
