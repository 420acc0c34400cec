package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/jobbox/jobbox/host/api"
)

// cmdHashPassword reads a password from standard input (without echo at a
// terminal) and prints the [[admin.users]] entry that holds its hash.
func cmdHashPassword(_ context.Context, inv *invocation) int {
	if len(inv.args) != 1 {
		return inv.fail("name the user: jobbox hash-password NAME [--role admin|operator|viewer] < password")
	}
	if code := inv.checkRole(); code != exitOK {
		return code
	}
	password, err := readPassword(inv)
	if err != nil {
		return inv.fail("%v", err)
	}
	hash, err := api.HashPassword(password)
	if err != nil {
		return inv.fail("%v", err)
	}
	fmt.Fprintf(inv.stdout, "[[admin.users]]\nname = %q\nrole = %q\npassword_hash = '%s'\n", inv.args[0], inv.role, hash)
	return exitOK
}

// checkRole refuses a --role that is not one of the admin API's roles.
func (inv *invocation) checkRole() int {
	if _, ok := api.ParseRole(inv.role); !ok {
		return inv.fail("--role must be admin, operator or viewer, not %q", inv.role)
	}
	return exitOK
}

// readPassword reads one line of standard input; at a terminal it asks
// twice, with echo off.
func readPassword(inv *invocation) (string, error) {
	f, isFile := inv.stdin.(*os.File)
	if !isFile || !isTerminal(f) {
		line, err := bufio.NewReader(inv.stdin).ReadString('\n')
		if err != nil && err != io.EOF {
			return "", fmt.Errorf("reading the password: %w", err)
		}
		return nonEmpty(strings.TrimRight(line, "\r\n"))
	}
	first, err := promptSecret(f, inv.stderr, "password: ")
	if err != nil {
		return "", err
	}
	second, err := promptSecret(f, inv.stderr, "again: ")
	if err != nil {
		return "", err
	}
	if first != second {
		return "", fmt.Errorf("the two passwords differ")
	}
	return nonEmpty(first)
}

func nonEmpty(p string) (string, error) {
	if p == "" {
		return "", fmt.Errorf("the password is empty")
	}
	return p, nil
}

// cmdNewToken prints a new API token, once, and the [[admin.tokens]] entry
// that holds its hash.
func cmdNewToken(_ context.Context, inv *invocation) int {
	if len(inv.args) != 1 {
		return inv.fail("name the token: jobbox new-token NAME [--role admin|operator|viewer]")
	}
	if code := inv.checkRole(); code != exitOK {
		return code
	}
	token, hash := api.NewToken()
	fmt.Fprintf(inv.stderr, "the token, shown this once (jobbox keeps only its hash):\n")
	fmt.Fprintf(inv.stdout, "%s\n", token)
	fmt.Fprintf(inv.stderr, "\nadd this to config.toml, then jobbox reload:\n\n")
	fmt.Fprintf(inv.stderr, "[[admin.tokens]]\nname = %q\nrole = %q\ntoken_hash = %q\n", inv.args[0], inv.role, hash)
	return exitOK
}
