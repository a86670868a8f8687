// Package compile lowers a checked flow into the ir.Flow the runtime runs.
// It never reports user errors: check has found them all, so lowering a flow
// without check errors cannot fail.
package compile

import (
	"strings"
	"time"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/check"
	"github.com/callflow/callflow/lang/exprs"
	"github.com/callflow/callflow/lang/hours"
	"github.com/callflow/callflow/lang/ir"
	"github.com/callflow/callflow/lang/lexer"
)

type lowerer struct {
	info *check.Info
	file *ast.File
}

// Flow lowers one checked flow.
func Flow(u *check.Unit, info *check.Info, version string) *ir.Flow {
	l := &lowerer{info: info, file: u.Main}
	f := &ir.Flow{
		Name: u.Main.Flow.Name, File: u.Main.Name, Version: version,
		Platforms: info.Platforms, Consts: info.Consts, Hours: info.Hours, Vars: info.Vars,
		Tables: map[string]*ir.Table{}, Lookups: map[string]*ir.Lookup{}, Handlers: map[string]*ir.Handler{},
	}
	for _, d := range u.Main.Decls {
		l.decl(f, d)
	}
	f.Index = prefixIndex(f.Rules)
	f.Reads = reads(info)
	for _, cx := range info.Exprs {
		f.CallValues = f.CallValues || cx != nil && cx.Varies
	}
	for _, name := range exprs.BuiltinNames {
		if f.Reads[name] {
			f.Builtins = append(f.Builtins, name)
		}
	}
	f.Static = static(f)
	return f
}

// static gathers the names whose values are the same for every webhook.
func static(f *ir.Flow) map[string]any {
	out := map[string]any{}
	for k, v := range f.Consts {
		if f.Reads[k] {
			out[k] = v
		}
	}
	for k, t := range f.Tables {
		if f.Reads[k] {
			out[k] = t.Rows
		}
	}
	for k, h := range f.Hours {
		if f.Reads[k] {
			out[k] = h
		}
	}
	return out
}

// reads collects the names the flow's expressions read.
func reads(info *check.Info) map[string]bool {
	out := map[string]bool{}
	for _, cx := range info.Exprs {
		for _, r := range cx.Refs {
			out[r] = true
		}
	}
	return out
}

func (l *lowerer) decl(f *ir.Flow, d ast.Decl) {
	switch d := d.(type) {
	case *ast.Number:
		for _, n := range d.Numbers {
			if s, ok := l.info.Values[n].(string); ok {
				f.Numbers = append(f.Numbers, s)
			}
		}
	case *ast.Voice:
		if _, known := l.info.Values[d.Value]; !known {
			f.VoiceExpr = l.expr(d.Value)
		}
		f.Voice, _ = l.info.Values[d.Value].(string)
	case *ast.Speed:
		if _, known := l.info.Values[d.Value]; !known {
			f.SpeedExpr = l.expr(d.Value)
		}
		if v, ok := asFloat(l.info.Values[d.Value]); ok {
			f.Speed = &v
		}
	case *ast.Table:
		data := l.info.Tables[d.Name.Name]
		f.Tables[d.Name.Name] = &ir.Table{Name: d.Name.Name, File: d.Path.Text, Columns: data.Columns, Rows: data.Rows}
	case *ast.Lookup:
		timeout := time.Second
		if d.Timeout != nil {
			timeout = time.Duration(d.Timeout.Millis) * time.Millisecond
		}
		f.Lookups[d.Name.Name] = &ir.Lookup{Name: d.Name.Name, URL: l.expr(d.URL), Timeout: timeout, Else: l.expr(d.Else), At: d.At,
			URLVaries: l.varies(d.URL), Headers: l.headers(d.Headers)}
		if d.Cache != nil && d.Cache.Millis > 0 {
			f.Lookups[d.Name.Name].Cache = time.Duration(d.Cache.Millis) * time.Millisecond
		}
	case *ast.Rule:
		r := &ir.Rule{Handler: d.Handler.Name, At: d.At, Pos: d.At.String()}
		if d.Cond != nil {
			r.Cond = l.expr(d.Cond)
		}
		f.Rules = append(f.Rules, r)
	case *ast.Handler:
		f.Handlers[d.Name.Name] = &ir.Handler{Name: d.Name.Name, At: d.Name.At, Code: l.block(nil, d.Body)}
	}
}

// varies reports whether x reads a variable or a lookup: what can change
// while one webhook runs.
func (l *lowerer) varies(x *ast.Expr) bool {
	cx := l.info.Exprs[x]
	if cx == nil || cx.Varies {
		return true
	}
	for _, r := range cx.Refs {
		if k, _ := l.info.Env.Kind(r); k == exprs.VarName || k == exprs.LookupName {
			return true
		}
	}
	return false
}

// expr wraps a compiled expression; nil in, nil out.
func (l *lowerer) expr(x *ast.Expr) *ir.Expr {
	if x == nil {
		return nil
	}
	cx := l.info.Exprs[x]
	out := &ir.Expr{Src: x.Text, At: x.At}
	if out.Const, out.IsConst = l.info.Values[x]; out.IsConst {
		// The runtime reads Const and never runs it, and a program
		// holds expr-lang's tree of the expression: two thirds of a
		// flow's expressions are constants, so keeping theirs would
		// cost more than the rest of the flow.
		return out
	}
	out.Code, out.Budgeted = cx.Code, cx.Budgeted
	for _, r := range cx.Refs {
		if k, _ := l.info.Env.Kind(r); k == exprs.LookupName {
			out.Lookups = append(out.Lookups, r)
		}
	}
	short := ir.Shortcut{Var: l.bareVar(x, cx)}
	short.Hours, short.Closed = l.openHours(x)
	if short.Var != "" || short.Hours != nil {
		out.Short = &short
	}
	return out
}

// openHours is the schedule x asks about when x is nothing but
// open(NAME) or not open(NAME) of an hours declaration, the latter closed;
// nil otherwise.
func (l *lowerer) openHours(x *ast.Expr) (h *hours.Schedule, closed bool) {
	if !strings.Contains(x.Text, "open") {
		return nil, false // most expressions: not lexed again
	}
	toks, err := lexer.Tokens("", []byte(x.Text))
	if err != nil {
		return nil, false
	}
	words := make([]string, 0, len(toks))
	for _, t := range toks {
		if t.Type != lexer.EOF {
			words = append(words, t.Value)
		}
	}
	if len(words) == 5 && words[0] == "not" {
		words, closed = words[1:], true
	}
	if len(words) != 4 || words[0] != "open" || words[1] != "(" || words[3] != ")" {
		return nil, false
	}
	if k, _ := l.info.Env.Kind(words[2]); k != exprs.HoursName || l.info.Hours[words[2]] == nil {
		return nil, false
	}
	return l.info.Hours[words[2]], closed
}

// text is expr for what is said: a string literal whose interpolations
// are each a variable's name is marked as an exprs.Template.
func (l *lowerer) text(x *ast.Expr) *ir.Expr {
	out := l.expr(x)
	if out != nil && !out.IsConst && out.Short == nil {
		if t := l.template(x); t != nil {
			out.Short = &ir.Shortcut{Template: t}
		}
	}
	return out
}

// template is x as a Template, or nil when x is anything but one string
// literal ("…", not a raw one) whose interpolations are each nothing but
// a variable's name, no more than exprs.MaxTemplateNames of them.
func (l *lowerer) template(x *ast.Expr) *exprs.Template {
	lit := []byte(strings.TrimSpace(x.Text))
	if len(lit) < 2 || lit[0] != '"' {
		return nil
	}
	if n, err := lexer.StringLen(lit); err != nil || n != len(lit) {
		return nil // more than one literal
	}
	parts, err := lexer.StringParts(lit)
	if err != nil {
		return nil
	}
	t := &exprs.Template{}
	text := ""
	for _, p := range parts {
		if !p.Interp {
			text += p.Text
			continue
		}
		name := strings.TrimSpace(string(lit[p.Start:p.End]))
		if k, _ := l.info.Env.Kind(name); k != exprs.VarName {
			return nil
		}
		t.Lits, t.Names, text = append(t.Lits, text), append(t.Names, name), ""
	}
	if len(t.Names) == 0 || len(t.Names) > exprs.MaxTemplateNames {
		return nil
	}
	t.Lits = append(t.Lits, text)
	return t
}

// bareVar is the variable x is when its text is nothing but that
// variable's name; "" otherwise.
func (l *lowerer) bareVar(x *ast.Expr, cx *exprs.Compiled) string {
	if len(cx.Refs) != 1 || cx.Budgeted || cx.Varies || strings.TrimSpace(x.Text) != cx.Refs[0] {
		return ""
	}
	if k, _ := l.info.Env.Kind(cx.Refs[0]); k != exprs.VarName {
		return ""
	}
	return cx.Refs[0]
}

func asFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

// prefixIndex indexes the leading rules of the form
// `caller startsWith "LITERAL"`, which large routing tables are made of.
func prefixIndex(rules []*ir.Rule) *ir.PrefixIndex {
	var prefixes []string
	for _, r := range rules {
		p, ok := startsWithPrefix(r.Cond)
		if !ok {
			break
		}
		prefixes = append(prefixes, p)
	}
	if len(prefixes) < 8 {
		return nil
	}
	return ir.NewPrefixIndex(prefixes)
}

func startsWithPrefix(x *ir.Expr) (string, bool) {
	if x == nil {
		return "", false
	}
	rest, ok := strings.CutPrefix(strings.TrimSpace(x.Src), "caller startsWith ")
	if !ok {
		return "", false
	}
	rest = strings.TrimSpace(rest)
	if len(rest) < 2 || rest[0] != '"' || rest[len(rest)-1] != '"' || strings.ContainsAny(rest[1:len(rest)-1], "\"\\$") {
		return "", false
	}
	return rest[1 : len(rest)-1], true
}
