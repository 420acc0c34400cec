package modules

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/jobbox/jobbox/abi"
)

// tbl is shorthand for a Lua table as the guest sends it.
func tbl(kv ...any) abi.Table {
	var t abi.Table
	for i := 0; i+1 < len(kv); i += 2 {
		t = append(t, abi.Field{Key: kv[i], Value: kv[i+1]})
	}
	return t
}

// TestBuildGolden pins the statement and arguments build makes for each
// option shape the core.mysql methods accept: identifiers quoted, every value
// a parameter, fields in a stable order.
func TestBuildGolden(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, method string
		opts         abi.Table
		sql          string
		args         []any
	}{
		{"select all", "select", tbl("tbl", "bikes"), "SELECT * FROM `bikes`", nil},
		{"select columns where orderby limit", "select",
			tbl("tbl", "bikes", "columns", []any{"id", "name"}, "where", tbl("color", "red", "id", int64(3)),
				"orderby", tbl("name", "desc"), "limit", int64(10)),
			"SELECT `id`, `name` FROM `bikes` WHERE `color` = ? AND `id` = ? ORDER BY `name` DESC LIMIT ?",
			[]any{"red", int64(3), int64(10)}},
		{"select distinct, offset limit", "select", tbl("tbl", "shop.bikes", "distinct", true, "limit", []any{int64(20), int64(10)}),
			"SELECT DISTINCT * FROM `shop`.`bikes` LIMIT ?, ?", []any{int64(20), int64(10)}},
		{"where a list is IN", "select", tbl("tbl", "bikes", "where", tbl("id", []any{int64(1), int64(2)})),
			"SELECT * FROM `bikes` WHERE `id` IN (?, ?)", []any{int64(1), int64(2)}},
		{"where an empty list matches nothing", "select", tbl("tbl", "bikes", "where", tbl("id", []any{})),
			"SELECT * FROM `bikes` WHERE FALSE", nil},
		{"where as a string is kept", "select", tbl("tbl", "bikes", "where", "id > 3"),
			"SELECT * FROM `bikes` WHERE id > 3", nil},
		{"orderby a list keeps its order", "select", tbl("tbl", "bikes", "orderby", []any{tbl("name", "ASC"), tbl("id", "DESC")}),
			"SELECT * FROM `bikes` ORDER BY `name` ASC, `id` DESC", nil},
		{"selectOne limits to one", "selectOne", tbl("tbl", "bikes", "where", tbl("id", int64(7))),
			"SELECT * FROM `bikes` WHERE `id` = ? LIMIT ?", []any{int64(7), int64(1)}},
		{"selectCount", "selectCount", tbl("tbl", "bikes", "where", tbl("color", "red")),
			"SELECT COUNT(*) FROM `bikes` WHERE `color` = ?", []any{"red"}},
		{"insert", "insert", tbl("tbl", "bikes", "values", tbl("name", "Trek", "color", "red", "gone", nil)),
			"INSERT INTO `bikes` SET `color` = ?, `gone` = ?, `name` = ?", []any{"red", nil, "Trek"}},
		{"update with where and limit", "update", tbl("tbl", "bikes", "values", tbl("color", "blue"), "where", tbl("id", int64(2)), "limit", int64(1)),
			"UPDATE `bikes` SET `color` = ? WHERE `id` = ? LIMIT ?", []any{"blue", int64(2), int64(1)}},
		{"update every row with force", "update", tbl("tbl", "bikes", "values", tbl("color", "blue"), "force", true),
			"UPDATE `bikes` SET `color` = ?", []any{"blue"}},
		{"delete", "delete", tbl("tbl", "bikes", "where", tbl("id", int64(2))),
			"DELETE FROM `bikes` WHERE `id` = ?", []any{int64(2)}},
		{"delete every row with force", "delete", tbl("tbl", "bikes", "force", true), "DELETE FROM `bikes`", nil},
		{"the string NULL stores SQL NULL (mysql.md, MySQL NULL Type)", "update",
			tbl("tbl", "toys", "values", tbl("color", "NULL"), "where", tbl("color", "red")),
			"UPDATE `toys` SET `color` = NULL WHERE `color` = ?", []any{"red"}},
		{"update without where changes every row (where is optional)", "update", tbl("tbl", "toys", "values", tbl("color", "blue")),
			"UPDATE `toys` SET `color` = ?", []any{"blue"}},
		{"selectCount's column", "selectCount", tbl("tbl", "toys", "column", "id"),
			"SELECT COUNT(`id`) FROM `toys`", nil},
		{"ordered where: entries AND, each in parentheses", "select",
			tbl("tbl", "toys", "where", []any{tbl("color", "Red", "model", "Ford"), tbl("kind", []any{"Truck", "Car"})}),
			"SELECT * FROM `toys` WHERE (`color` = ? AND `model` = ?) AND (`kind` IN (?, ?))", []any{"Red", "Ford", "Truck", "Car"}},
		{"ordered where: list fields of one entry OR", "select",
			tbl("tbl", "toys", "where", []any{tbl("color", []any{"Red"}, "model", []any{"Ford"}, "kind", []any{"Truck", "Car"})}),
			"SELECT * FROM `toys` WHERE (`color` IN (?) OR `kind` IN (?, ?) OR `model` IN (?))", []any{"Red", "Truck", "Car", "Ford"}},
		{"ordered where: single values AND, lists OR within an entry", "select",
			tbl("tbl", "toys", "where", []any{tbl("color", "Red", "kind", []any{"Truck"}, "size", []any{int64(2)})}),
			"SELECT * FROM `toys` WHERE (`color` = ? AND (`kind` IN (?) OR `size` IN (?)))", []any{"Red", "Truck", int64(2)}},
		{"an injection attempt stays a value", "select", tbl("tbl", "bikes", "where", tbl("name", "x' OR '1'='1")),
			"SELECT * FROM `bikes` WHERE `name` = ?", []any{"x' OR '1'='1"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			st, err := build(c.method, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			if st.sql != c.sql || !reflect.DeepEqual(st.args, c.args) {
				t.Fatalf("got\n  %s %#v\nwant\n  %s %#v", st.sql, st.args, c.sql, c.args)
			}
		})
	}
}

// TestBuildRefuses checks the option shapes build refuses, each with an
// error that says what is wrong.
func TestBuildRefuses(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, method string
		opts         abi.Table
		errHas       string
	}{
		{"no table", "select", tbl("where", tbl("id", int64(1))), "tbl"},
		{"unknown option", "select", tbl("tbl", "bikes", "wher", tbl("id", int64(1))), `unknown option "wher"`},
		{"a table name that is not an identifier", "select", tbl("tbl", "bikes; DROP TABLE x"), "bikes; DROP TABLE x"},
		{"a column that is not an identifier", "select", tbl("tbl", "bikes", "where", tbl("id`", int64(1))), "id`"},
		{"orderby not ASC or DESC", "select", tbl("tbl", "bikes", "orderby", tbl("id", "sideways")), "ASC"},
		{"a negative limit", "select", tbl("tbl", "bikes", "limit", int64(-1)), "limit"},
		{"a delete without where", "delete", tbl("tbl", "bikes"), ""},
		{"an update with an empty where table", "update", tbl("tbl", "bikes", "values", tbl("a", int64(1)), "where", tbl()), ""},
		{"an empty entry of an ordered where", "select", tbl("tbl", "bikes", "where", []any{tbl()}), "where entry 1"},
		{"an insert without values", "insert", tbl("tbl", "bikes"), "values"},
		{"an unknown method", "upsert", tbl("tbl", "bikes"), `no such method "upsert"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			st, err := build(c.method, c.opts)
			if err == nil {
				t.Fatalf("built %q %v; want an error", st.sql, st.args)
			}
			if c.errHas == "" && !errors.Is(err, errNoWhere) || !strings.Contains(err.Error(), c.errHas) {
				t.Fatalf("error %q; want one containing %q", err, c.errHas)
			}
		})
	}
}

// BenchmarkBuildOrderedWhere is the cost of building a select with the
// docs' ordered where, an orderby and a limit.
func BenchmarkBuildOrderedWhere(b *testing.B) {
	opts := tbl("tbl", "toys", "columns", []any{"id", "name"}, "orderby", tbl("id", "DESC"), "limit", int64(10),
		"where", []any{tbl("color", "Red", "model", "Ford"), tbl("kind", []any{"Truck", "Car"})})
	for b.Loop() {
		if _, err := build("select", opts); err != nil {
			b.Fatal(err)
		}
	}
}
