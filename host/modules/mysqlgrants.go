package modules

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// errBroadAccount is the error of an account that reaches more than the
// database its entry names.
var errBroadAccount = errors.New("the account reaches more than its database")

// systemSchemas are never a job's database: they hold the server's accounts
// and state.
var systemSchemas = map[string]bool{"mysql": true, "information_schema": true, "performance_schema": true, "sys": true}

// verify checks, once per pool, that the account reaches only its
// database, unless the entry sets allow_broad_account. A refusal is kept
// and fails every run's call; a check that could not be made (the server
// is down) is tried again at the next connection.
func (db *database) verify(ctx context.Context, q queryer) error {
	if db.allowBroad {
		return nil
	}
	db.checkMu.Lock()
	defer db.checkMu.Unlock()
	if db.checked {
		return db.verdict
	}
	return db.checkLocked(ctx, q)
}

// recheck reads the account's privileges again, whatever was found before.
func (db *database) recheck(ctx context.Context, q queryer) error {
	db.checkMu.Lock()
	defer db.checkMu.Unlock()
	return db.checkLocked(ctx, q)
}

func (db *database) checkLocked(ctx context.Context, q queryer) error {
	err := checkGrants(ctx, q, db.name, db.dbName)
	if err != nil && !errors.Is(err, errBroadAccount) {
		return fmt.Errorf("database %q: checking the account's privileges: %w", db.name, err)
	}
	db.checked, db.verdict = true, err
	return err
}

// checkGrants reads the account's grants and refuses any beyond dbName.
func checkGrants(ctx context.Context, q queryer, entry, dbName string) error {
	rows, err := q.QueryContext(ctx, "SHOW GRANTS FOR CURRENT_USER()")
	if err != nil {
		return err
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return err
		}
		lines = append(lines, line)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if problems := grantProblems(lines, dbName); len(problems) > 0 {
		return fmt.Errorf("database %q: %w %q: %s; give jobbox an account with privileges on that database only (README, \"Core modules and grants\"), or set allow_broad_account = true in [databases.%s]",
			entry, errBroadAccount, dbName, strings.Join(problems, "; "), entry)
	}
	return nil
}

const quotedName = "(\\*|`(?:[^`]|``)*`)"

// grantLine is one line of SHOW GRANTS that grants privileges on objects.
var grantLine = regexp.MustCompile("^GRANT (.+?) ON (?:(?:TABLE|FUNCTION|PROCEDURE|PACKAGE BODY|PACKAGE) )?" + quotedName + `\.` + quotedName + " TO ")

// grantProblems lists the grants, of SHOW GRANTS lines, that reach beyond
// database dbName. Anything it cannot read (roles, PROXY) is a problem:
// the check fails closed.
func grantProblems(lines []string, dbName string) []string {
	var problems []string
	for _, line := range lines {
		m := grantLine.FindStringSubmatch(line)
		if m == nil {
			problems = append(problems, fmt.Sprintf("%q is a grant jobbox cannot check (a role or PROXY)", shortGrant(line)))
			continue
		}
		privs, schema, table := m[1], m[2], m[3]
		switch {
		case schema == "*":
			if privs != "USAGE" {
				problems = append(problems, fmt.Sprintf("%s ON *.* is on every database", privs))
			}
		case table == "*" && !samePattern(unquote(schema), dbName):
			problems = append(problems, fmt.Sprintf("%s ON %s.* is on another database, or a pattern (_ and %% are wildcards in database grants; escape them as \\_ and \\%%)", privs, schema))
		case table != "*" && unquote(schema) != dbName:
			problems = append(problems, fmt.Sprintf("%s ON %s.%s is in another database", privs, schema, table))
		}
	}
	return problems
}

// samePattern reports whether a database-level grant's name, where _ and %
// are wildcards unless escaped, names exactly dbName and nothing else.
func samePattern(pattern, dbName string) bool {
	var b strings.Builder
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; c {
		case '\\':
			if i+1 == len(pattern) {
				return false
			}
			i++
			b.WriteByte(pattern[i])
		case '_', '%':
			return false
		default:
			b.WriteByte(c)
		}
	}
	return b.String() == dbName
}

func unquote(name string) string {
	return strings.ReplaceAll(strings.TrimSuffix(strings.TrimPrefix(name, "`"), "`"), "``", "`")
}

// shortGrant is a grant line up to its grantee, without the password hash
// that may follow.
func shortGrant(line string) string {
	if i := strings.Index(line, " TO "); i >= 0 {
		line = line[:i]
	}
	if len(line) > 120 {
		line = line[:120] + "..."
	}
	return line
}
