package main

import (
	"strings"
	"testing"
)

func TestCheckCoreNames(t *testing.T) {
	t.Parallel()
	wrap := func(body string) string {
		return "local job = core.job()\nfunction job.run()\n" + body + "\n  return job.OK\nend\nreturn job\n"
	}
	cases := map[string]checkCase{
		"documented": {src: wrap("  local s = core.sf('%d', core.trim(' 1 '))\n  local t = core.split('a,b')\n  core.json_safe.decode(core.json.encode(t))\n  core.mysql.selectOne('db', {})\n  core.network.getJson('https://x')\n  core.timer(1, function() end)\n  local m = core.email.new()\n  core.data('c'):save({})")},
		"refused module": {src: wrap("  local u = core.users.get('id')"),
			want: []problem{{3, 13, "core.users is not available in jobbox: " + refusedNames["users"]}}},
		"refused function": {src: wrap("  core.callApi('default', 'test', {})"),
			want: []problem{{3, 3, "core.callApi is not available in jobbox: " + refusedNames["callApi"]}}},
		"unknown mysql method": {src: wrap("  local n = core.mysql.parseTimestmp('2009-02-13')"),
			want: []problem{{3, 13, "core.mysql.parseTimestmp is not available in jobbox (did you mean parseTimestamp?)"}}},
		"through an alias": {src: "local mysql = core.mysql\n" + wrap("  mysql.selectone('db', {})\n  mysql.select('db', {})"),
			want: []problem{{4, 3, "core.mysql.selectone is not available in jobbox (did you mean selectOne?)"}}},
		"unknown network, email, data, json": {src: wrap("  core.network.fetch('x')\n  core.email.send({})\n  core.json.parse('1')\n  core.datum('x')"),
			want: []problem{
				{3, 3, "core.network.fetch is not available in jobbox"},
				{4, 3, "core.email.send is not available in jobbox"},
				{5, 3, "core.json.parse is not available in jobbox"},
				{6, 3, "core.datum is not available in jobbox (did you mean data?)"},
			}},
		"own core field": {src: "core.helper = function() end\n" + wrap("  core.helper()")},
	}
	checkCases(t, cases)
}

// TestRuntimeAgreesWithCheck: every name check accepts exists in a job's
// state, and every refused one ends the run with the reason check gives.
func TestRuntimeAgreesWithCheck(t *testing.T) {
	t.Parallel()
	L := newState()
	defer L.Close()
	for name := range coreNames {
		if err := L.DoString("assert(core." + name + " ~= nil)"); err != nil {
			t.Errorf("core.%s: %v", name, err)
		}
	}
	for name, why := range refusedNames {
		err := L.DoString("local x = core." + name)
		if err == nil || !strings.Contains(err.Error(), "core."+name+" is not available in jobbox: "+why) {
			t.Errorf("core.%s: %v", name, err)
		}
	}
	for mod, methods := range moduleMethods {
		for m := range methods {
			if err := L.DoString("assert(type(core." + mod + "." + m + ") == 'function')"); err != nil {
				t.Errorf("core.%s.%s: %v", mod, m, err)
			}
		}
		if mod == "email" { // a plain table, the email helper's
			continue
		}
		err := L.DoString("local f = core." + mod + ".noSuchMethod")
		if want := "core." + mod + ".noSuchMethod is not available in jobbox"; err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("core.%s.noSuchMethod: %v", mod, err)
		}
	}
}
