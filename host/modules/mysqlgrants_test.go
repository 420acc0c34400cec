package modules

import (
	"strings"
	"testing"
)

func TestGrantProblems(t *testing.T) {
	t.Parallel()
	const usage = "GRANT USAGE ON *.* TO `app`@`%` IDENTIFIED BY PASSWORD '*SECRETHASH'"
	for _, c := range []struct {
		why   string
		lines []string
		want  string // "" none, else a problem's text
	}{
		{"least privilege", []string{usage, "GRANT ALL PRIVILEGES ON `app\\_db`.* TO `app`@`%`"}, ""},
		{"tables of its database", []string{usage, "GRANT SELECT, INSERT ON `app_db`.`items` TO `app`@`%`"}, ""},
		{"a column grant", []string{"GRANT SELECT (`name`), UPDATE (`qty`) ON `app_db`.`items` TO `app`@`%`"}, ""},
		{"a routine", []string{"GRANT EXECUTE ON PROCEDURE `app_db`.`p` TO `app`@`%`"}, ""},
		{"everything", []string{"GRANT ALL PRIVILEGES ON *.* TO `jobbox`@`%` IDENTIFIED BY PASSWORD '*SECRETHASH'"}, "ALL PRIVILEGES ON *.* is on every database"},
		{"FILE", []string{"GRANT FILE ON *.* TO `app`@`%`"}, "FILE ON *.*"},
		{"PROCESS and SUPER", []string{"GRANT PROCESS, SUPER ON *.* TO `app`@`%`"}, "PROCESS, SUPER ON *.*"},
		{"another schema", []string{usage, "GRANT SELECT ON `other`.* TO `app`@`%`"}, "`other`.* is on another database"},
		{"the mysql schema", []string{"GRANT SELECT ON `mysql`.`user` TO `app`@`%`"}, "`mysql`.`user` is in another database"},
		{"an unescaped pattern", []string{"GRANT ALL PRIVILEGES ON `app_db`.* TO `app`@`%`"}, "a pattern"},
		{"a % pattern", []string{"GRANT ALL PRIVILEGES ON `app%`.* TO `app`@`%`"}, "a pattern"},
		{"a role", []string{usage, "GRANT `admin_role` TO `app`@`%`"}, "cannot check"},
		{"PROXY", []string{"GRANT PROXY ON ''@'%' TO 'app'@'%'"}, "cannot check"},
		{"a backtick in a name", []string{"GRANT SELECT ON `a``b`.`t` TO `app`@`%`"}, "in another database"},
	} {
		got := strings.Join(grantProblems(c.lines, "app_db"), "; ")
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s: problems %q, want %q", c.why, got, c.want)
		}
		if strings.Contains(got, "SECRETHASH") {
			t.Errorf("%s: the problems show the password hash: %q", c.why, got)
		}
	}
}

func TestSamePattern(t *testing.T) {
	t.Parallel()
	for pattern, same := range map[string]bool{"app": true, `app\_db`: true, "app_db": false, `app\%`: false, "ap%": false, `app\`: false, "other": false} {
		want := "app"
		if strings.Contains(pattern, "_db") {
			want = "app_db"
		}
		if got := samePattern(pattern, want); got != same {
			t.Errorf("samePattern(%q, %q) = %v, want %v", pattern, want, got, same)
		}
	}
}

// FuzzGrantProblems: whatever the server says, a line is either accepted
// as on the database alone, or reported; never a panic, and a line naming
// *.* with more than USAGE is always reported.
func FuzzGrantProblems(f *testing.F) {
	for _, s := range []string{"GRANT USAGE ON *.* TO `a`@`%`", "GRANT ALL ON `db`.* TO x", "GRANT SELECT ON `db`.`t` TO x", "GRANT `r` TO `a`"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		problems := grantProblems([]string{line}, "db")
		if m := grantLine.FindStringSubmatch(line); m != nil && m[2] == "*" && m[1] != "USAGE" && len(problems) == 0 {
			t.Fatalf("%q passed", line)
		}
		if len(problems) == 0 && !strings.HasPrefix(line, "GRANT ") {
			t.Fatalf("%q passed", line)
		}
	})
}
