package exprs

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/expr-lang/expr"
	exprast "github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/checker"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/optimizer"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/types"
	"github.com/expr-lang/expr/vm"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/internal/suggest"
	"github.com/callflow/callflow/lang/lexer"
	"github.com/callflow/callflow/lang/source"
)

// Limits on one expression: its source in characters and its expr-lang node
// count.
const (
	MaxSource = 4096
	MaxNodes  = 1000
)

// Compiled is one expression, checked and ready to compile to bytecode.
type Compiled struct {
	// Code is its bytecode, compiled on first use: two thirds of a flow's
	// expressions are constants, known when the flow compiles, and many of
	// the rest never run in a given process, so compiling every one up
	// front made the compiled program several times its source.
	Code *Code
	Type reflect.Type // nil when only known at run time
	Refs []string     // environment names it reads, in order of first use
	// Budgeted says it charges what it builds to env[BudgetName]: an
	// evaluation must pass the webhook's *Budget there (a nil one checks
	// each value against MaxValue only). Expressions that build nothing
	// (comparisons, lookups of names) need none.
	Budgeted bool
	// Varies says it calls random, pick, secret or env: its value is not
	// known when the flow compiles, even if it reads no name.
	Varies bool
	// Secrets are the names it reads with secret(), Settings those it
	// reads with env() and their defaults: the loader reads them.
	Secrets  []string
	Settings map[string]string

	trans *translation // maps expr-lang positions back to the .flow text
}

// Span is the .flow position of the part of x an evaluation error of c is
// about (the name of the builtin that refused, say), or x's whole span when
// the error has no position. f and x are what c was compiled from.
func (c *Compiled) Span(f *source.File, x *ast.Expr, err error) source.Span {
	var fe *file.Error
	if c.trans == nil || !errors.As(err, &fe) || fe.From < 0 {
		return x.At
	}
	start := x.At.Start.Offset + c.trans.srcOffset(fe.From)
	if start < x.At.Start.Offset || start >= x.At.End.Offset {
		return x.At
	}
	return f.Span(start, start+tokenLen(f.Src, start))
}

// Compile checks and compiles x against the environment. f is the file x
// came from, so errors get exact positions.
func (e *Env) Compile(f *source.File, x *ast.Expr) (*Compiled, *diag.Diagnostic) {
	return e.compileWith(f, x, false)
}

// CompileURL compiles a lookup URL: each value interpolated with ${…} is
// escaped for where it stands in the URL's literal text, path-escaped in
// the path, query-escaped in the query string and fragment, so a caller id
// or a captured PIN cannot change the URL's shape.
func (e *Env) CompileURL(f *source.File, x *ast.Expr) (*Compiled, *diag.Diagnostic) {
	return e.compileWith(f, x, true)
}

func (e *Env) compileWith(f *source.File, x *ast.Expr, isURL bool) (*Compiled, *diag.Diagnostic) {
	var o *outcome
	if e.cache != nil {
		o = e.cache.get(e, x.Text, isURL)
	} else {
		o = e.outcome(x.Text, isURL)
	}
	switch {
	case o.runes > MaxSource:
		// Characters, not bytes: a say text within a platform's character
		// limit (8x8: 3000) must fit in Vietnamese or Chinese too.
		return nil, diag.Errorf(diag.BadExpr, x.At, "expression is %d characters, over the %d-character limit", o.runes, MaxSource).
			Do("Split it: compute parts with set, or move data into a table.")
	case o.translateErr != nil:
		return nil, diag.Errorf(diag.BadExpr, x.At, "%v", o.translateErr).
			Do("Fix the expression; it uses expr-lang syntax (docs/language.md, Expressions).")
	case o.err != nil:
		return nil, e.mapError(f, x, o.trans, o.err)
	}
	return o.compiled, nil
}

// outcome is what compiling an expression's text in an environment gives,
// before any position: the same text in the same environment always gives
// the same outcome, which is what Cache keeps.
type outcome struct {
	runes        int // the text's length in characters; over MaxSource, nothing else is set
	translateErr error
	trans        *translation
	err          error // expr-lang's, mapped to the .flow text by mapError
	compiled     *Compiled
}

func (e *Env) outcome(text string, isURL bool) *outcome {
	o := &outcome{runes: utf8.RuneCountInString(text)}
	if o.runes > MaxSource {
		return o
	}
	o.trans = &translation{url: isURL}
	if o.translateErr = o.trans.translate(text, 0); o.translateErr != nil {
		return o
	}
	translated := o.trans.out.String()
	cfg := e.config()
	var names []envName
	tree, loads, err := checkTree(translated, cfg, func(t *parser.Tree) { names = e.namesIn(t.Node) })
	if err == nil {
		err = noEnvAccess(tree.Node)
	}
	if o.err = err; err != nil {
		return o
	}
	refs, budgeted := e.refs(tree.Node)
	typ := staticType(tree.Node) // compileTree empties the tree
	code := &Code{text: text, url: isURL}
	if e.eager || !loads.varies && e.allConsts(refs) {
		// Its value is computed now (the checker evaluates what reads only
		// consts), or all bytecode is wanted now: compile it from the
		// tree in hand.
		if o.err = code.compileTree(tree, cfg); o.err != nil {
			return o
		}
	} else {
		code.env = names
	}
	o.compiled = &Compiled{Code: code, Type: typ, Refs: refs, Budgeted: budgeted,
		Varies: loads.varies, Secrets: loads.secrets, Settings: loads.settings, trans: o.trans}
	return o
}

// allConsts reports whether every one of names is a const.
func (e *Env) allConsts(names []string) bool {
	for _, n := range names {
		if e.kinds[n] != ConstName {
			return false
		}
	}
	return true
}

// base holds the parts of expr-lang's configuration every flow shares: the
// allowed builtins and our functions. Checking only reads these maps.
var base = sync.OnceValue(func() *conf.Config {
	opts := append([]expr.Option{expr.DisableAllBuiltins()}, functions...)
	opts = append(opts, urlFunctions...)
	opts = append(opts, wordFunctions...)
	for _, b := range builtins {
		opts = append(opts, expr.EnableBuiltin(b))
	}
	cfg := conf.CreateNew()
	for _, o := range opts {
		o(cfg)
	}
	for name := range cfg.Disabled {
		delete(cfg.Builtins, name)
	}
	for name, f := range boundedBuiltins() {
		cfg.Functions[name] = f
	}
	for _, f := range opFunctions {
		cfg.Functions[f.Name] = f
	}
	for _, f := range randomFunctions {
		cfg.Functions[f.Name] = f
	}
	for _, f := range loadFunctions {
		cfg.Functions[f.Name] = f
	}
	cfg.Functions["spell"] = bounded(cfg.Functions["spell"], spellSize, "spell")
	cfg.Functions[textFunc] = bounded(cfg.Functions[textFunc], printSize, "${…}")
	cfg.Functions[urlFunc] = bounded(cfg.Functions[urlFunc], escapeSize, "${…}")
	cfg.Functions[urlQueryFunc] = bounded(cfg.Functions[urlQueryFunc], escapeSize, "${…}")
	return cfg
})

// config builds the configuration of this environment once: building one
// from scratch (the builtin table, the environment's types) costs more than
// compiling a typical expression, and a flow compiles dozens.
func (e *Env) config() *conf.Config {
	if e.cfg != nil {
		return e.cfg
	}
	e.cfg = configFor(e.exprEnv())
	return e.cfg
}

// configFor is the configuration of an environment of these types.
func configFor(env types.Map) *conf.Config {
	b := base()
	cfg := &conf.Config{
		Optimize: true, ShortCircuit: true, MaxNodes: MaxNodes,
		ConstFns: b.ConstFns, Functions: b.Functions, Builtins: b.Builtins, Disabled: b.Disabled,
	}
	cfg.WithEnv(env)
	return cfg
}

// checkTree is expr.Compile with the cached configuration, short of the
// bytecode (Code.Program compiles that from the tree): the tree parsed,
// checked, patched and optimized. It also returns the calls whose values
// are not known when the flow compiles. parsed, when not nil, sees the
// tree as written, before it is patched and optimized.
func checkTree(src string, cfg *conf.Config, parsed func(*parser.Tree)) (*parser.Tree, *loadCalls, error) {
	tree, err := checker.ParseCheck(src, cfg)
	if err != nil {
		return nil, nil, err
	}
	if parsed != nil {
		parsed(tree)
	}
	loads := &loadCalls{}
	exprast.Walk(&tree.Node, loads)
	if loads.err != nil {
		var fe *file.Error
		errors.As(loads.err, &fe)
		return nil, nil, fe.Bind(tree.Source)
	}
	if err := patchMemory(tree, cfg); err != nil {
		return nil, nil, err
	}
	if err := optimizer.Optimize(&tree.Node, cfg); err != nil {
		var fe *file.Error
		if errors.As(err, &fe) {
			return nil, nil, fe.Bind(tree.Source)
		}
		return nil, nil, err
	}
	return tree, loads, nil
}

// exprEnv is the environment as expr-lang types. A nil sample, a type known
// only at run time, must be types.Any: a nil value in a map environment is
// typed nil by expr-lang, and `x.field` or `x + 1` would not compile.
func (e *Env) exprEnv() types.Map {
	m := make(types.Map, len(e.samples)+1)
	m[BudgetName] = types.TypeOf((*Budget)(nil))
	for name, v := range e.samples {
		m[name] = typeOfSample(v)
	}
	return m
}

func typeOfSample(v any) types.Type {
	if v == nil {
		return types.Any
	}
	return types.TypeOf(v)
}

func staticType(n exprast.Node) reflect.Type {
	t := n.Type()
	if t == nil || t.Kind() == reflect.Interface {
		return nil
	}
	return t
}

// noEnvAccess rejects expr-lang's $env: a flow reads the names it declares,
// and a value holding the whole environment could outlive the webhook whose
// environment it is (the runtime reuses environments).
func noEnvAccess(root exprast.Node) error {
	var v envVisitor
	exprast.Walk(&root, &v)
	if v.at == nil {
		return nil
	}
	return &file.Error{Location: *v.at, Message: "unknown name $env"}
}

type envVisitor struct{ at *file.Location }

func (v *envVisitor) Visit(n *exprast.Node) {
	if id, ok := (*n).(*exprast.IdentifierNode); ok && id.Value == "$env" && v.at == nil {
		loc := id.Location()
		v.at = &loc
	}
}

// refs collects the environment names an expression reads.
func (e *Env) refs(root exprast.Node) (names []string, budgeted bool) {
	var c refCollector
	c.env = e
	exprast.Walk(&root, &c)
	return c.names, c.budgeted
}

type refCollector struct {
	env      *Env
	names    []string
	budgeted bool // the patched tree passes env[BudgetName] to a builtin
}

func (c *refCollector) Visit(n *exprast.Node) {
	id, ok := (*n).(*exprast.IdentifierNode)
	if ok && id.Value == BudgetName {
		c.budgeted = true
	}
	if !ok || !c.env.Has(id.Value) {
		return
	}
	for _, have := range c.names {
		if have == id.Value {
			return
		}
	}
	c.names = append(c.names, id.Value)
}

// mapError turns an expr-lang error into a diagnostic at the .flow position.
func (e *Env) mapError(f *source.File, x *ast.Expr, t *translation, err error) *diag.Diagnostic {
	var fe *file.Error
	if !errors.As(err, &fe) {
		return diag.Errorf(diag.BadExpr, x.At, "%v", err)
	}
	start := x.At.Start.Offset + t.srcOffset(fe.From)
	end := start + tokenLen(f.Src, start)
	at := f.Span(start, end)
	msg := fe.Message
	switch {
	case strings.Contains(msg, errLoadName.Error()):
		return loadNameError(at, msg, strings.HasPrefix(msg, "env("), "")
	case strings.HasPrefix(msg, "unknown name "):
		name := strings.TrimPrefix(msg, "unknown name ")
		if fn := loadCallee(f.Src[:start]); fn != "" {
			// secret(CRM_TOKEN): the name was meant to be quoted.
			return loadNameError(at, loadNameMessage(fn, "its name"), fn == "env", name)
		}
		return e.unknownName(at, name, f.Src, end)
	case strings.Contains(msg, "exceeds maximum allowed nodes"):
		return diag.Errorf(diag.BadExpr, x.At, "expression is too large (over %d nodes)", MaxNodes).
			Do("Split it into several set steps, or move data into a table.")
	case isTypeError(msg):
		return diag.Errorf(diag.TypeMismatch, at, "%s", msg).
			Do("Change the expression so the types agree; convert with string(…) or int(…) where needed.")
	}
	return diag.Errorf(diag.BadExpr, at, "%s", msg).
		Do("Fix the expression; it uses expr-lang syntax (docs/language.md, Expressions).")
}

func (e *Env) unknownName(at source.Span, name string, src []byte, end int) *diag.Diagnostic {
	isCall := end < len(src) && src[end] == '('
	if isCall {
		return diag.Errorf(diag.UnknownFunction, at, "unknown function %s", name).
			Do("Call one of the functions docs/language.md lists.").Maybe(suggest.Nearest(name, FunctionNames))
	}
	if lexer.IsKeyword(name) {
		return diag.Errorf(diag.ReservedWord, at, "%q is a keyword and cannot name a variable", name).
			Do("Rename the variable, such as %q, where it is set and where it is read.", name+"_variable")
	}
	return diag.Errorf(diag.UnknownName, at, "unknown name %q", name).
		Do("Declare it (const, table, lookup, hours) or set it before use.").Maybe(suggest.Nearest(name, e.Names()))
}

func isTypeError(msg string) bool {
	for _, p := range []string{"invalid operation", "mismatched types", "cannot use", "not enough arguments", "too many arguments", "cannot be used as", "non-bool"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

// tokenLen is the length of the word or symbol at src[off:], so a caret
// covers the name an error is about.
func tokenLen(src []byte, off int) int {
	n := 0
	for off+n < len(src) && isWord(src[off+n]) {
		n++
	}
	return max(n, 1)
}

func isWord(c byte) bool {
	return c == '_' || c == '$' || (c|0x20) >= 'a' && (c|0x20) <= 'z' || c >= '0' && c <= '9'
}

// Eval runs a compiled expression against a complete environment. The runtime
// has its own evaluation loop; this serves compile-time consts. The builtins
// are charged to env[BudgetName], a *Budget, or to a fresh Budget when env
// has none (env is not changed).
func Eval(c *Compiled, env map[string]any) (any, error) {
	if _, ok := env[BudgetName]; !ok {
		env = maps.Clone(env)
		env[BudgetName] = new(Budget)
	}
	prog, err := c.Code.Program()
	if err != nil {
		return nil, err
	}
	v, err := vm.Run(prog, env)
	if err == nil {
		err = CheckValue(v)
	}
	if err != nil {
		return nil, fmt.Errorf("%w", err)
	}
	return v, nil
}

// loadCallee is "secret" or "env" when before (the source up to a name)
// ends in `secret(` or `env(`, so the name is that call's first argument;
// else "".
func loadCallee(before []byte) string {
	b := bytes.TrimRight(before, " \t")
	for _, fn := range []string{"secret", "env"} {
		if rest, ok := bytes.CutSuffix(b, []byte(fn+"(")); ok && (len(rest) == 0 || !isNameByte(rest[len(rest)-1])) {
			return fn
		}
	}
	return ""
}

func isNameByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || (c|0x20) >= 'a' && (c|0x20) <= 'z'
}

// loadNameError is secret-name: a secret or env call whose name or default
// is not a string literal. name is what was written unquoted, if anything,
// so the hint can show it quoted.
func loadNameError(at source.Span, msg string, env bool, name string) *diag.Diagnostic {
	example := `secret("CRM_TOKEN")`
	if env {
		example = `env("REGION", "sg")`
	}
	if name != "" && env {
		example = fmt.Sprintf(`env(%q, "default")`, name)
	} else if name != "" {
		example = fmt.Sprintf(`secret(%q)`, name)
	}
	return diag.Errorf(diag.SecretName, at, "%s", msg).
		Do("Write it in quotes, such as %s: the server reads it when it loads the flow.", example)
}
