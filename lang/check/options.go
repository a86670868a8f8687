package check

import (
	"maps"
	"slices"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/internal/suggest"
)

// argKind is what an option takes.
type argKind uint8

const (
	argNone     argKind = iota // a flag: auto_pause
	argText                    // any value, said as text
	argString                  // a string
	argNumber                  // a number
	argInt                     // an integer
	argDuration                // 10s
	argDigits                  // N or MIN..MAX
	argStrings                 // "1", "2", …
	argMap                     // a map
	argList                    // a list
	argAny                     // any value
	argVar                     // a variable name: into
	argAccept                  // "1", "2", … or one list of strings: accept
)

type optSpec struct {
	arg      argKind
	required bool
	many     bool // may appear more than once (contact)
	values   bool // takes several values: try n uses the n-th (prompt, noinput, …)
	every    bool // takes `every D`
	pair     bool // takes NAME VALUE without a comma: header
	block    map[string]optSpec
}

var captureOptions = map[string]optSpec{
	"prompt": {arg: argText, required: true, values: true}, "digits": {arg: argDigits}, "end": {arg: argString},
	"timeout": {arg: argDuration}, "digit_timeout": {arg: argDuration}, "tries": {arg: argInt},
	"accept": {arg: argAccept}, "success": {arg: argText}, "failure": {arg: argText, values: true},
	"noinput": {arg: argText, values: true}, "nomatch": {arg: argText, values: true},
	"voice": {arg: argString}, "speed": {arg: argNumber}, "bargein": {arg: argNone},
}

var contactOptions = map[string]optSpec{
	"email": {arg: argText}, "code": {arg: argAny}, "vars": {arg: argMap},
}

var campaignOptions = map[string]optSpec{
	"script": {arg: argString, required: true}, "cid": {arg: argString}, "voice": {arg: argString},
	"speed": {arg: argNumber}, "retry": {arg: argInt, every: true}, "batch": {arg: argInt, every: true},
	"at": {arg: argAny}, "dedupe": {arg: argAny}, "auto_pause": {arg: argNone},
	"contact": {arg: argString, many: true, block: contactOptions}, "contacts": {arg: argList, many: true},
}

// options checks a block of options against its spec and compiles their values.
func (c *checker) options(opts []*ast.Option, spec map[string]optSpec, block string) {
	seen := map[string]*ast.Option{}
	for _, o := range opts {
		if o.Body != nil { // on OUTCOME { … }
			c.onBlock(o, block, seen)
			continue
		}
		s, ok := spec[o.Name.Name]
		if !ok {
			c.report(diag.Errorf(diag.UnknownOption, o.Name.At, "%s has no option %q", block, o.Name.Name).
				Do("Use one of: %s.", join(slices.Sorted(maps.Keys(spec)))).
				Maybe(suggest.Nearest(o.Name.Name, slices.Collect(maps.Keys(spec)))))
			continue
		}
		if first, dup := seen[o.Name.Name]; dup && !s.many {
			c.report(diag.Errorf(diag.DuplicateOption, o.Name.At, "%s is given twice", o.Name.Name).
				Do("Keep one.").Also(first.Name.At, "first given here"))
		}
		seen[o.Name.Name] = o
		c.optionArgs(o, s)
		c.optionExtras(o, s)
	}
}

// missingOptions reports required options a block lacks, at the step.
func (c *checker) missingOptions(at ast.Node, opts []*ast.Option, spec map[string]optSpec, block string) {
	var missing []string // sorted below: only the few missing are
	for name, s := range spec {
		if s.required && findOption(opts, name) == nil {
			missing = append(missing, name)
		}
	}
	slices.Sort(missing)
	for _, name := range missing {
		c.report(diag.Errorf(diag.MissingOption, at.Span(), "%s needs %s", block, name).
			Do("Add `%s …` to the %s block.", name, block))
	}
}

func (c *checker) optionExtras(o *ast.Option, s optSpec) {
	switch {
	case o.Value != nil && !s.pair:
		c.report(diag.Errorf(diag.Syntax, o.Value.At, "%s takes one value", o.Name.Name).
			Do("Separate values with commas, or remove the extra value."))
	case s.pair && o.Value == nil && len(o.Args) > 0:
		c.report(diag.Errorf(diag.MissingOption, o.Name.At, "%s needs a name and a value", o.Name.Name).
			Do("Write `%s \"NAME\" VALUE`, such as `header \"Authorization\" \"Bearer ${secret(\"CRM_TOKEN\")}\"`.", o.Name.Name))
	}
	if o.Every != nil && !s.every {
		c.report(diag.Errorf(diag.Syntax, o.Every.At, "%s takes no every", o.Name.Name).Do("Remove `every …`."))
	}
	if s.every && o.Every == nil {
		c.report(diag.Errorf(diag.MissingOption, o.Name.At, "%s needs an interval", o.Name.Name).
			Do("Write `%s N every D`, such as `%s 2 every 10m`.", o.Name.Name, o.Name.Name))
	}
	if o.Block != nil && s.block == nil {
		c.report(diag.Errorf(diag.Syntax, o.Name.At, "%s takes no block", o.Name.Name).Do("Remove the braces."))
	}
	if s.block != nil && o.Block != nil {
		c.options(o.Block, s.block, o.Name.Name)
	}
}

func (c *checker) optionArgs(o *ast.Option, s optSpec) {
	if s.arg == argNone {
		if len(o.Args) > 0 {
			c.report(diag.Errorf(diag.Syntax, o.Args[0].Span(), "%s takes no value", o.Name.Name).Do("Write `%s` alone.", o.Name.Name))
		}
		return
	}
	if len(o.Args) == 0 {
		c.report(diag.Errorf(diag.MissingOption, o.Name.At, "%s needs a value", o.Name.Name).
			Do("Write `%s VALUE`.", o.Name.Name))
		return
	}
	if len(o.Args) > 1 && s.arg != argStrings && s.arg != argAccept && !s.values {
		c.report(diag.Errorf(diag.Syntax, o.Args[1].Span(), "%s takes one value", o.Name.Name).Do("Remove the extra values."))
	}
	for _, a := range o.Args {
		c.optionArg(o.Name.Name, a, s.arg)
	}
}

func (c *checker) optionArg(name string, a ast.Arg, k argKind) {
	switch a := a.(type) {
	case *ast.Duration:
		if k != argDuration {
			c.report(diag.Errorf(diag.TypeMismatch, a.At, "%s takes %s, not a duration", name, argWords[k]).Do("Write %s.", argWords[k]))
		}
	case *ast.Range:
		if k != argDigits {
			c.report(diag.Errorf(diag.TypeMismatch, a.At, "%s takes %s, not a range", name, argWords[k]).Do("Write %s.", argWords[k]))
		} else if a.Min > a.Max {
			c.report(diag.Errorf(diag.BadDuration, a.At, "digits range %d..%d ends before it starts", a.Min, a.Max).
				Do("Write the smaller number first."))
		}
	case *ast.Expr:
		c.optionExpr(name, a, k)
	case *ast.Audio:
		if name != "prompt" {
			c.report(diag.Errorf(diag.TypeMismatch, a.At, "%s takes %s, not audio", name, argWords[k]).
				Do("Only a capture's prompt plays audio: `prompt play URL`."))
			return
		}
		c.expect(a.URL, wantString, "a prompt's audio URL")
	case *ast.Ident:
		if k != argVar {
			c.report(diag.Errorf(diag.TypeMismatch, a.At, "%s takes %s, not a variable name", name, argWords[k]).Do("Write %s.", argWords[k]))
		}
	}
}

var argWords = map[argKind]string{
	argText: "a text", argString: "a string", argNumber: "a number", argInt: "an integer", argDuration: "a duration such as 10s",
	argDigits: "a digit count or range such as 4..10", argStrings: "strings", argMap: "a map", argList: "a list", argAny: "a value",
	argVar: "a variable name", argAccept: "strings or a list of strings",
}

func (c *checker) optionExpr(name string, x *ast.Expr, k argKind) {
	what := name
	switch k {
	case argDuration:
		c.report(diag.Errorf(diag.TypeMismatch, x.At, "%s takes a duration such as 10s or 1500ms", name).Do("Write a number with ms, s, m or h."))
	case argDigits, argInt:
		c.constInt(x, name)
	case argString, argStrings:
		c.expect(x, wantString, what)
	case argNumber:
		c.expect(x, wantNumber, what)
	case argMap:
		c.expect(x, wantMap, what)
	case argList:
		c.expect(x, wantList, what)
	case argAccept:
		c.acceptValue(x)
	case argVar:
		if !isVarName(x.Text) {
			c.report(diag.Errorf(diag.Syntax, x.At, "%s takes a variable name, not an expression", name).
				Do("Write a name such as `into receipt`."))
		}
	default:
		c.compile(x)
	}
}

// constInt requires an integer known at compile time (counts and digits).
func (c *checker) constInt(x *ast.Expr, name string) {
	if c.expect(x, wantInt, name) == nil {
		return
	}
	if _, ok := c.info.Values[x].(int); !ok {
		c.report(diag.Errorf(diag.BadConst, x.At, "%s must be an integer known when the flow compiles", name).
			Do("Write a whole number or an integer const."))
	}
}

func findOption(opts []*ast.Option, name string) *ast.Option {
	for _, o := range opts {
		if o.Name.Name == name {
			return o
		}
	}
	return nil
}

func join(ss []string) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += ", "
		}
		out += s
	}
	return out
}
