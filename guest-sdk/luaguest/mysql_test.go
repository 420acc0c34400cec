package main

import (
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// TestMySQLHelpers runs the core.mysql helpers that need no host, with the
// docs' examples (mysql.md, Utilities).
func TestMySQLHelpers(t *testing.T) {
	t.Parallel()
	L := lua.NewState()
	defer L.Close()
	L.SetGlobal("mysql", mysqlTable(L))
	err := L.DoString(`
		local function check(ok, what) if not ok then error(what, 2) end end
		check(mysql.escape("Eat at Joe's") == "'Eat at Joe\\'s'", "escape quotes")
		local v = mysql.escapeAll({'A special "thing" here.', 24, "Joe's Place"})
		check(v[1] == "'A special \\\"thing\\\" here.'" and v[2] == 24 and v[3] == "'Joe\\'s Place'", "escapeAll")
		check(mysql.parseTimestamp("2009-02-13 23:31:30") == 1234567890, "parseTimestamp")
		local n, err = mysql.parseTimestamp("yesterday")
		check(n == nil and err:find("not a timestamp"), "parseTimestamp of nonsense")
	`)
	if err != nil {
		t.Fatal(err)
	}
	err = L.DoString(`return mysql.nosuch`)
	if err == nil || !strings.Contains(err.Error(), `core.mysql.nosuch is not available in jobbox`) {
		t.Fatalf("an unknown method: %v", err)
	}
}
