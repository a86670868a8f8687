package check

import (
	"errors"
	"fmt"
	"reflect"
	"unicode"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/exprs"
	"github.com/callflow/callflow/lang/source"
)

// want is the type a position needs.
type want uint8

const (
	wantAny want = iota
	wantBool
	wantInt
	wantNumber
	wantString
	wantMap
	wantList
)

var wantNames = [...]string{"a value", "true or false", "an integer", "a number", "a string", "a map", "a list"}

// compile compiles x once, records it, and evaluates it when it reads only
// consts, so limits can be checked now.
func (c *checker) compile(x *ast.Expr) *exprs.Compiled {
	if x == nil {
		return nil
	}
	if cx, ok := c.info.Exprs[x]; ok {
		return cx
	}
	cx, d := c.info.Env.Compile(c.file(x.At.File), x)
	if d != nil {
		c.report(d)
		return nil
	}
	c.info.Exprs[x] = cx
	c.recordExpr(x, cx)
	c.secretPlace(x, cx)
	if cx.Varies {
		return cx // random, pick, secret or env: known only when a call runs
	}
	for _, r := range cx.Refs {
		k, _ := c.info.Env.Kind(r)
		if k != exprs.ConstName {
			return cx
		}
		if c.failedConsts[r] {
			c.failed[x] = true
			return cx
		}
	}
	if len(cx.Refs) == 0 {
		if v, ok := c.u.Cache.value(cx); ok {
			c.info.Values[x] = v
			c.recordValue(x, v)
			return cx
		}
	}
	vals := c.noNames
	if vals == nil || len(cx.Refs) > 0 {
		vals = make(map[string]any, len(cx.Refs)+1)
		vals[exprs.BudgetName] = &c.mem
		for _, r := range cx.Refs {
			vals[r] = c.info.Consts[r]
		}
		if len(cx.Refs) == 0 {
			c.noNames = vals // Eval only reads it
		}
	}
	charged := c.mem.Used()
	if v, err := exprs.Eval(cx, vals); err == nil {
		c.info.Values[x] = v
		c.recordValue(x, v)
		if len(cx.Refs) == 0 && c.mem.Used() == charged {
			c.u.Cache.keepValue(cx, v)
		}
	} else {
		c.failed[x] = true
		c.report(evalError(x, c.evalErrorAt(cx, x, err), err))
	}
	return cx
}

// evalError is the diagnostic of an expression that fails when the flow
// compiles.
// evalErrorAt is where an evaluation error points: at the builtin that
// refused to build a value, or at the whole expression (an operator, an
// interpolation, the value it yields).
func (c *checker) evalErrorAt(cx *exprs.Compiled, x *ast.Expr, err error) source.Span {
	var me *exprs.MemoryError
	if errors.As(err, &me) && isName(me.Func) {
		return cx.Span(c.file(x.At.File), x, err)
	}
	return x.At
}

func isName(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return s != ""
}

// at is the part of x the memory limits point at.
func evalError(x *ast.Expr, at source.Span, err error) *diag.Diagnostic {
	var me *exprs.MemoryError
	switch {
	case errors.As(err, &me):
		return diag.Errorf(diag.MemoryLimit, at, "%s", me).Do("%s", memoryHint(me))
	case exprs.IsMemory(err):
		return diag.Errorf(diag.MemoryLimit, at, "%s", exprs.MemoryMessage(err)).
			Do("Use smaller ranges and lists; ranges, list literals and map/filter results are counted.")
	}
	return diag.Errorf(diag.BadExpr, x.At, "%v", err).Do("Fix the expression; it fails with the values it has when the flow compiles.")
}

func memoryHint(me *exprs.MemoryError) string {
	if me.Total {
		return "The consts and compile-time expressions of a flow may build 16 MiB in all: build fewer or smaller values, or load data from a table."
	}
	return fmt.Sprintf("A string an expression builds is at most %d bytes and a list %d elements: build a smaller value, or load data from a table.", exprs.MaxValue, exprs.MaxValue)
}

// expect compiles x and reports it when its static type cannot be w.
func (c *checker) expect(x *ast.Expr, w want, what string) *exprs.Compiled {
	cx := c.compile(x)
	if cx == nil || cx.Type == nil || fits(cx.Type, w) {
		return cx
	}
	c.report(diag.Errorf(diag.TypeMismatch, x.At, "%s must be %s, but this is %s", what, wantNames[w], typeName(cx.Type)).
		Do("%s", conversionHint(w)))
	return nil
}

func fits(t reflect.Type, w want) bool {
	switch w {
	case wantBool:
		return t.Kind() == reflect.Bool
	case wantInt:
		return isInt(t.Kind())
	case wantNumber:
		return isInt(t.Kind()) || t.Kind() == reflect.Float64 || t.Kind() == reflect.Float32
	case wantString:
		return t.Kind() == reflect.String
	case wantMap:
		return t.Kind() == reflect.Map
	case wantList:
		return t.Kind() == reflect.Slice || t.Kind() == reflect.Array
	}
	return true
}

func isInt(k reflect.Kind) bool { return k >= reflect.Int && k <= reflect.Uint64 }

func typeName(t reflect.Type) string {
	switch {
	case t.Kind() == reflect.String:
		return "a string"
	case t.Kind() == reflect.Bool:
		return "true or false"
	case isInt(t.Kind()):
		return "an integer"
	case t.Kind() == reflect.Float64:
		return "a decimal number"
	case t.Kind() == reflect.Map:
		return "a map"
	case t.Kind() == reflect.Slice:
		return "a list"
	case t.String() == "time.Time":
		return "a time"
	}
	return fmt.Sprintf("a %s", t)
}

func conversionHint(w want) string {
	switch w {
	case wantBool:
		return "Compare the value, for example `x == \"1\"`, so the condition is true or false."
	case wantInt:
		return "Write a whole number, or convert with int(…)."
	case wantString:
		return "Write a string, or convert with string(…)."
	case wantNumber:
		return "Write a number, or convert with float(…)."
	}
	return "Change the expression so it yields the type named."
}

// compileExprs compiles every expression of the flow with the type its
// position needs.
func (c *checker) compileExprs() {
	for _, d := range c.u.Main.Decls {
		switch d := d.(type) {
		case *ast.Rule:
			c.expect(d.Cond, wantBool, "a when condition")
		case *ast.Lookup:
			c.lookupURL(d.URL)
			if d.Options != nil {
				c.options(d.Options, lookupBlockOptions, "lookup")
				c.headers(d.Headers)
			}
		case *ast.Number:
			for _, n := range d.Numbers {
				c.expect(n, wantString, "a number")
			}
		case *ast.Voice:
			c.expect(d.Value, wantString, "a voice")
		case *ast.Speed:
			c.expect(d.Value, wantNumber, "a speed")
		}
	}
	var facts *exprFacts
	if c.u.Cache != nil {
		facts = c.exprFacts()
	}
	for i := range c.handlers {
		c.handlerExprs(i, facts)
	}
}

func (c *checker) stepExprs(s ast.Step) {
	switch s := s.(type) {
	case *ast.Say:
		c.compile(s.Text)
		c.expect(s.Voice, wantString, "a voice")
		c.expect(s.Speed, wantNumber, "speed")
		c.expect(s.Repeat, wantInt, "repeat")
		c.expect(s.Language, wantString, "a language")
	case *ast.Play:
		c.expect(s.URL, wantString, "a play URL")
		c.expect(s.Repeat, wantInt, "repeat")
	case *ast.Capture:
		c.options(s.Options, captureOptions, "capture")
	case *ast.MakeCall:
		c.expect(s.Number, wantString, "the number to call")
		c.expect(s.From, wantString, "the caller ID")
	case *ast.Record:
		c.options(s.Options, recordOptions, "record")
	case *ast.Agent:
		c.expect(s.ID, wantInt, "an agent id")
	case *ast.IVR:
		c.expect(s.ID, wantInt, "an IVR id")
	case *ast.Set:
		c.compile(s.Value)
	case *ast.If:
		for _, b := range s.Branches {
			c.expect(b.Cond, wantBool, "an if condition")
		}
	case *ast.Switch:
		c.compile(s.Value)
		for _, cs := range s.Cases {
			for _, v := range cs.Values {
				c.caseValue(v)
			}
		}
	case *ast.Callback:
		for _, l := range s.Legs {
			c.expect(l.To, wantString, "a leg's number")
			c.expect(l.From, wantString, "a leg's caller ID")
		}
	case *ast.Campaign:
		c.compile(s.Name)
		c.options(s.Options, campaignOptions, "campaign")
	case *ast.Post:
		c.lookupURL(s.URL)
		c.options(s.Options, postOptions, "post")
		c.headers(s.Headers)
	}
}

func (c *checker) caseValue(v *ast.Expr) {
	if c.compile(v) == nil {
		return
	}
	if _, ok := c.info.Values[v]; !ok {
		c.report(diag.Errorf(diag.BadConst, v.At, "a case value must be known when the flow compiles").
			Do("Use a literal such as \"1\", or a const."))
	}
}

// lookupURL compiles a lookup's URL with path-escaped interpolation.
func (c *checker) lookupURL(x *ast.Expr) {
	cx, d := c.info.Env.CompileURL(c.file(x.At.File), x)
	if d != nil {
		c.report(d)
		return
	}
	c.info.Exprs[x] = cx
	c.recordExpr(x, cx)
	c.secretPlace(x, cx)
	if cx.Type != nil && !fits(cx.Type, wantString) {
		c.report(diag.Errorf(diag.TypeMismatch, x.At, "a lookup URL must be a string, but this is %s", typeName(cx.Type)).
			Do("Write the URL as a string literal, with ${…} for values."))
	}
}
