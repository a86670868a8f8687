package check

import (
	"reflect"
	"slices"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/exprs"
	"github.com/callflow/callflow/lang/source"
)

// buildEnv defines every name an expression may read: consts (evaluated now,
// in order), tables, hours, lookups (typed by their else value) and session
// variables (typed by what is assigned to them).
func (c *checker) buildEnv() {
	env := exprs.NewEnv()
	if c.u.Cache != nil {
		env.UseCache(c.u.Cache.exprs)
	}
	if c.u.EagerCode {
		env.CompileEagerly()
	}
	c.info.Env = env
	for _, d := range c.u.Main.Decls {
		switch d := d.(type) {
		case *ast.Table:
			env.Define(d.Name.Name, exprs.Table, exprs.TableName)
		case *ast.Hours:
			env.DefineHours(d.Name.Name)
		}
	}
	for _, d := range c.u.Main.Decls {
		if k, ok := d.(*ast.Const); ok {
			c.defineConst(k)
		}
	}
	for _, d := range c.u.Main.Decls {
		if l, ok := d.(*ast.Lookup); ok {
			c.defineLookup(l)
		}
	}
	c.defineVars()
	c.defineLost()
}

// lostKinds are the kinds of names a statement the parser skipped declares.
var lostKinds = map[string]exprs.Kind{
	"const": exprs.ConstName, "table": exprs.TableName, "lookup": exprs.LookupName, "hours": exprs.HoursName,
	"set": exprs.VarName, "capture": exprs.VarName, "into": exprs.VarName,
}

// defineLost takes the names of statements the parser skipped as declared,
// of unknown type and without a value, so their uses are not reported as
// unknown (the skipped statement's syntax error is). Handlers among them
// are known to handlerRef.
func (c *checker) defineLost() {
	for _, l := range c.u.Main.Lost {
		name := l.Name.Name
		if l.Keyword == "handler" {
			c.lostHandlers[name] = true
			continue
		}
		if c.info.Env.Has(name) {
			continue
		}
		k := lostKinds[l.Keyword]
		c.info.Env.Define(name, nil, k)
		if k == exprs.ConstName {
			c.failedConsts[name] = true
		}
	}
}

func (c *checker) defineConst(k *ast.Const) {
	cx := c.compile(k.Value)
	if cx == nil {
		return
	}
	v, ok := c.info.Values[k.Value]
	if !ok && c.failed[k.Value] {
		// Its evaluation failed and was reported: the const exists, without
		// a value, and what reads it is not evaluated.
		c.failedConsts[k.Name.Name] = true
		c.info.Env.Define(k.Name.Name, nil, exprs.ConstName)
		return
	}
	if !ok {
		c.report(constVaries(k.Name.Name, k.Value.At, cx))
		// The const exists, without a value, so what reads it is not
		// reported again as an unknown name.
		c.failedConsts[k.Name.Name] = true
		c.info.Env.Define(k.Name.Name, nil, exprs.ConstName)
		return
	}
	c.info.Consts[k.Name.Name] = v
	c.info.Env.Define(k.Name.Name, v, exprs.ConstName)
}

func (c *checker) defineLookup(l *ast.Lookup) {
	var sample any
	if l.Else != nil {
		if cx := c.compile(l.Else); cx != nil && cx.Type != nil {
			sample = sampleOf(cx.Type)
		}
	}
	c.info.Env.Define(l.Name.Name, sample, exprs.LookupName)
}

// sampleOf is a value of type t for the typed environment; maps from JSON or
// literals all look the same to expressions.
func sampleOf(t reflect.Type) any {
	if t.Kind() == reflect.Map {
		return exprs.Map
	}
	return reflect.Zero(t).Interface()
}

// defineVars types session variables. A capture always yields a string; a set
// yields its expression's type. Expressions are compiled once with every
// variable untyped to learn those types, then again in compileExprs.
func (c *checker) defineVars() {
	env := c.info.Env
	c.forSteps(func(_ *ast.Handler, s ast.Step) {
		if id, k, ok := Declared(s); ok && k == exprs.VarName {
			c.addVar(id)
		}
		switch s := s.(type) {
		case *ast.Capture: // the keys entered
			c.varTypes[s.Var.Name] = append(c.varTypes[s.Var.Name], "")
		case *ast.Record: // the recording's URL
			c.varTypes[s.Var.Name] = append(c.varTypes[s.Var.Name], "")
		}
	})
	for _, v := range c.info.Vars {
		env.Define(v, nil, exprs.VarName)
	}
	probe := env.Clone()
	c.forSteps(func(_ *ast.Handler, s ast.Step) {
		var v *ast.Ident
		var x *ast.Expr
		switch s := s.(type) {
		case *ast.Set:
			v, x = s.Var, s.Value
		case *ast.Post: // into VAR holds the JSON answer, typed by the else value
			v, x = s.Into, s.Else
		}
		if v == nil {
			return
		}
		var sample any
		if x != nil {
			if cx, d := probe.Compile(c.file(x.At.File), x); d == nil && cx.Type != nil {
				sample = sampleOf(cx.Type)
			}
		}
		c.varTypes[v.Name] = append(c.varTypes[v.Name], sample)
	})
	for _, v := range c.info.Vars {
		env.Define(v, unify(c.varTypes[v]), exprs.VarName)
	}
}

func (c *checker) addVar(id *ast.Ident) {
	if id == nil || slices.Contains(c.info.Vars, id.Name) {
		return
	}
	if first, ok := c.decls[id.Name]; ok {
		c.report(diag.Errorf(diag.DuplicateName, id.At, "variable %q has the name of a declaration", id.Name).
			Do("Rename the variable.").Also(first.Span(), "declared here"))
		return
	}
	if slices.Contains(builtinNames, id.Name) {
		c.report(diag.Errorf(diag.DuplicateName, id.At, "%q is a built-in name and cannot be set", id.Name).
			Do("Choose another variable name."))
		return
	}
	c.info.Vars = append(c.info.Vars, id.Name)
}

// unify is the one type all samples share, or nil (known at run time).
func unify(samples []any) any {
	if len(samples) == 0 || samples[0] == nil {
		return nil
	}
	t := reflect.TypeOf(samples[0])
	for _, s := range samples[1:] {
		if s == nil || reflect.TypeOf(s) != t {
			return nil
		}
	}
	return samples[0]
}

// constVaries is bad-const for a const whose value is not known when the
// flow compiles: it reads the call, or env() or secret() (known when the
// flow loads), or draws with random() or pick().
func constVaries(name string, at source.Span, cx *exprs.Compiled) *diag.Diagnostic {
	switch {
	case len(cx.Secrets) > 0:
		return diag.Errorf(diag.BadConst, at, "const %q reads secret(), which is read when the flow loads, not when it compiles", name).
			Do("Write the secret() call in the header value of the lookup or post that sends it.")
	case len(cx.Settings) > 0:
		return diag.Errorf(diag.BadConst, at, "const %q reads env(), which is read when the flow loads, not when it compiles", name).
			Do("Write the env() call where the value is used (it may stand in any expression), or set a variable from it.")
	case cx.Varies:
		return diag.Errorf(diag.BadConst, at, "const %q draws a new value on each call", name).
			Do("Use set for random() and pick(): a const is one value, known when the flow compiles.")
	}
	return diag.Errorf(diag.BadConst, at, "const %q depends on the call", name).
		Do("Build consts only from literals and other consts; use set for values that depend on the call.")
}
