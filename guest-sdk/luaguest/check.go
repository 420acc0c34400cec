package main

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"
)

// problem is one finding of check, positioned in the job file.
type problem struct {
	Line, Col int
	Message   string
}

// jobFields are the names a job object has before the job adds its own.
var jobFields = map[string]bool{
	"OK": true, "SLEEP": true, "STOP": true, "EXIT": true, "CANCEL": true, "run": true,
	"minute": true, "hour": true, "day": true, "dayNum": true, "dayMonth": true,
	"weekNum": true, "month": true, "monthNum": true,
}

// check finds the mistakes visible without running the job: syntax errors,
// a missing core.job() object, job.run or final `return job`, and reads of
// job fields that do not exist (job.DONE, job.Ok) and would end the run.
func check(source, file string) []problem {
	chunk, err := parse.Parse(strings.NewReader(luaJITEscapes(source)), file)
	if err != nil {
		var perr *parse.Error
		if errors.As(err, &perr) {
			line, col := perr.Pos.Line, perr.Pos.Column
			if line <= 0 { // the parser reports the end of input as line -1
				line, col = endOf(source)
			}
			msg := perr.Message
			if perr.Token != "" {
				msg = fmt.Sprintf("%s near '%s'", msg, perr.Token)
			}
			return []problem{{line, max(col, 1), msg}}
		}
		return []problem{{1, 1, err.Error()}}
	}
	if _, err := lua.Compile(chunk, file); err != nil {
		return []problem{{1, 1, err.Error()}}
	}
	c := checker{lines: strings.Split(source, "\n"), assigned: map[string]bool{},
		coreAssigned: map[string]bool{}, aliases: map[string]string{}}
	c.findJob(chunk)
	if c.jobVar == "" {
		return []problem{{1, 1, "the file never creates its job object: start it with `local job = core.job()`"}}
	}
	c.stmts(chunk)
	if !c.assigned["run"] {
		c.add(c.jobLine, "", "the job defines no job.run function: add `function job.run() ... return job.OK end`")
	}
	if !c.returnsJob(chunk) {
		line, _ := endOf(source)
		c.add(line, "", fmt.Sprintf("the file must end with `return %s`", c.jobVar))
	}
	for _, r := range c.reads {
		if !jobFields[r.field] && !c.assigned[r.field] {
			c.add(r.line, c.jobVar+"."+r.field, fmt.Sprintf("%s.%s is not defined: a job returns %[1]s.OK, %[1]s.SLEEP, %[1]s.STOP, %[1]s.EXIT or %[1]s.CANCEL", c.jobVar, r.field))
		}
	}
	c.checkCoreReads()
	sort.SliceStable(c.problems, func(i, j int) bool {
		a, b := c.problems[i], c.problems[j]
		return a.Line < b.Line || a.Line == b.Line && a.Col < b.Col
	})
	return c.problems
}

func endOf(source string) (line, col int) {
	lines := strings.Split(strings.TrimRight(source, "\n"), "\n")
	return len(lines), len(lines[len(lines)-1]) + 1
}

type fieldRead struct {
	field string
	line  int
}

type checker struct {
	lines    []string
	jobVar   string
	jobLine  int
	assigned map[string]bool
	reads    []fieldRead
	problems []problem
	// core names the file assigns, reads of core names, local aliases of
	// core modules (checkcore.go)
	coreAssigned map[string]bool
	coreReads    []coreRead
	aliases      map[string]string
}

// add records a problem on line, at the column where needle starts on it.
func (c *checker) add(line int, needle, msg string) {
	col := 1
	if needle != "" && line >= 1 && line <= len(c.lines) {
		if i := strings.Index(c.lines[line-1], needle); i >= 0 {
			col = i + 1
		}
	}
	c.problems = append(c.problems, problem{line, col, msg})
}

// findJob finds the top-level `local NAME = core.job()`.
func (c *checker) findJob(chunk []ast.Stmt) {
	for _, s := range chunk {
		la, ok := s.(*ast.LocalAssignStmt)
		if !ok {
			continue
		}
		for i, e := range la.Exprs {
			if i < len(la.Names) && isCoreJobCall(e) {
				c.jobVar, c.jobLine = la.Names[i], la.Line()
				return
			}
		}
	}
}

func isCoreJobCall(e ast.Expr) bool {
	call, ok := e.(*ast.FuncCallExpr)
	if !ok || call.Receiver != nil {
		return false
	}
	field, ok := jobFieldOf(call.Func, "core")
	return ok && field == "job"
}

// jobFieldOf reports NAME when e is `object.NAME` for the given identifier.
func jobFieldOf(e ast.Expr, object string) (string, bool) {
	get, ok := e.(*ast.AttrGetExpr)
	if !ok {
		return "", false
	}
	id, ok := get.Object.(*ast.IdentExpr)
	if !ok || id.Value != object {
		return "", false
	}
	key, ok := get.Key.(*ast.StringExpr)
	if !ok {
		return "", false
	}
	return key.Value, true
}

func (c *checker) returnsJob(chunk []ast.Stmt) bool {
	if len(chunk) == 0 {
		return false
	}
	ret, ok := chunk[len(chunk)-1].(*ast.ReturnStmt)
	if !ok || len(ret.Exprs) != 1 {
		return false
	}
	id, ok := ret.Exprs[0].(*ast.IdentExpr)
	return ok && id.Value == c.jobVar
}

func (c *checker) stmts(list []ast.Stmt) {
	for _, s := range list {
		c.stmt(s)
	}
}

func (c *checker) stmt(s ast.Stmt) {
	switch x := s.(type) {
	case *ast.AssignStmt:
		for _, l := range x.Lhs {
			if f, ok := jobFieldOf(l, c.jobVar); ok {
				c.assigned[f] = true
			} else if f, ok := jobFieldOf(l, "core"); ok {
				c.coreAssigned[f] = true
			} else {
				c.expr(l)
			}
		}
		c.exprs(x.Rhs)
	case *ast.LocalAssignStmt:
		c.noteAlias(x)
		c.exprs(x.Exprs)
	case *ast.FuncCallStmt:
		c.expr(x.Expr)
	case *ast.DoBlockStmt:
		c.stmts(x.Stmts)
	case *ast.WhileStmt:
		c.expr(x.Condition)
		c.stmts(x.Stmts)
	case *ast.RepeatStmt:
		c.stmts(x.Stmts)
		c.expr(x.Condition)
	case *ast.IfStmt:
		c.expr(x.Condition)
		c.stmts(x.Then)
		c.stmts(x.Else)
	case *ast.NumberForStmt:
		c.exprs([]ast.Expr{x.Init, x.Limit, x.Step})
		c.stmts(x.Stmts)
	case *ast.GenericForStmt:
		c.exprs(x.Exprs)
		c.stmts(x.Stmts)
	case *ast.FuncDefStmt:
		if x.Name.Receiver != nil {
			if id, ok := x.Name.Receiver.(*ast.IdentExpr); ok && id.Value == c.jobVar {
				c.assigned[x.Name.Method] = true
			}
		} else if f, ok := jobFieldOf(x.Name.Func, c.jobVar); ok {
			c.assigned[f] = true
		}
		c.stmts(x.Func.Stmts)
	case *ast.ReturnStmt:
		c.exprs(x.Exprs)
	}
}

func (c *checker) exprs(list []ast.Expr) {
	for _, e := range list {
		c.expr(e)
	}
}

func (c *checker) expr(e ast.Expr) {
	switch x := e.(type) {
	case nil:
	case *ast.AttrGetExpr:
		if f, ok := jobFieldOf(x, c.jobVar); ok {
			c.reads = append(c.reads, fieldRead{f, x.Line()})
			return
		}
		if c.coreUse(x) {
			return
		}
		c.expr(x.Object)
		c.expr(x.Key)
	case *ast.TableExpr:
		for _, f := range x.Fields {
			c.expr(f.Key)
			c.expr(f.Value)
		}
	case *ast.FuncCallExpr:
		c.expr(x.Func)
		c.expr(x.Receiver)
		c.exprs(x.Args)
	case *ast.LogicalOpExpr:
		c.exprs([]ast.Expr{x.Lhs, x.Rhs})
	case *ast.RelationalOpExpr:
		c.exprs([]ast.Expr{x.Lhs, x.Rhs})
	case *ast.StringConcatOpExpr:
		c.exprs([]ast.Expr{x.Lhs, x.Rhs})
	case *ast.ArithmeticOpExpr:
		c.exprs([]ast.Expr{x.Lhs, x.Rhs})
	case *ast.UnaryMinusOpExpr:
		c.expr(x.Expr)
	case *ast.UnaryNotOpExpr:
		c.expr(x.Expr)
	case *ast.UnaryLenOpExpr:
		c.expr(x.Expr)
	case *ast.FunctionExpr:
		c.stmts(x.Stmts)
	}
}
