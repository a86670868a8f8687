// Package check is the semantic analysis of a flow. It runs named stages in a
// fixed order, each adding to one list of diagnostics instead of stopping at
// the first problem, and records what it learns (compiled expressions, loaded
// tables and hours, platforms) in an Info that package compile lowers.
//
// Invariant: when Check reports no errors, lowering cannot fail.
package check

import (
	"io/fs"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/exprs"
	"github.com/callflow/callflow/lang/hours"
	"github.com/callflow/callflow/lang/source"
	"github.com/callflow/callflow/lang/table"
)

// Unit is one flow: its file, the files holding its tests, and where its
// table files are read from.
type Unit struct {
	Main  *ast.File
	Tests []*ast.File
	Files source.Files
	FS    fs.FS  // table files are read from here
	Dir   string // the flow file's folder inside FS

	// Disable lists warning codes silenced for the whole unit, as
	// `callflow check --disable` asks; they are marked External.
	Disable []diag.Code

	// Cache, when set, keeps what this check learns for the next check
	// of the same flow (an editor's); nil: nothing is kept.
	Cache *Cache

	// EagerCode compiles the bytecode of every expression as it is
	// checked (exprs.Env.CompileEagerly); by default an expression whose
	// value is not known at compile time is compiled when it first runs.
	EagerCode bool
}

// Info is what the checker learned, for lowering.
type Info struct {
	Env       *exprs.Env
	Exprs     map[*ast.Expr]*exprs.Compiled
	Values    map[*ast.Expr]any // values known at compile time
	Consts    map[string]any
	Tables    map[string]*table.Data
	DataFiles map[string][]byte // table file contents, for the version hash
	Hours     map[string]*hours.Schedule
	Platforms []string
	Vars      []string // session variables in order of first assignment
	Handlers  map[string]*ast.Handler
}

type checker struct {
	u     *Unit
	info  *Info
	diags diag.Diagnostics

	decls     map[string]ast.Node // every declared name, for duplicates
	handlers  []*ast.Handler
	rules     []*ast.Rule
	varTypes  map[string][]any
	targetsAt ast.Node

	// mem counts what compile-time evaluation builds, for the whole flow:
	// a file of a thousand 1 MB consts must fail, not fill the machine.
	mem exprs.Budget
	// failed are the expressions whose compile-time evaluation was reported
	// as an error, and the consts that have no value because of one: what
	// reads them is not evaluated, and not reported again.
	failed       map[*ast.Expr]bool
	failedConsts map[string]bool
	// lostHandlers are handlers whose declaration had a syntax error.
	lostHandlers map[string]bool
	// noNames is the environment of the evaluations of expressions that
	// read no name: most literals.
	noNames map[string]any
	// now is what this check learned (steps, by stepsOf, and so on),
	// for the next; last what the last check learned, from the cache
	// (read only); bodies are the steps of each of handlers, by index.
	now, last learned
	bodies    [][]ast.Step
	sizes     infoSizes
	// rec is the compile of the handler being recorded; factsSeen
	// whether each earlier snapshot of the facts is this check's.
	rec       *handlerExprs
	factsSeen map[*exprFacts]bool
	// inHeader says the expression being compiled is a header value, the
	// one place secret() may stand.
	inHeader bool
}

// stages run in this order. Later stages rely on earlier ones: expressions
// need the environment, which needs the declarations and their data; the
// graph and platform checks need resolved handlers and constant values.
var stages = []struct {
	name string
	run  func(*checker)
}{
	{"version", (*checker).checkVersion},
	{"decls", (*checker).collectDecls},
	{"data", (*checker).loadData},
	{"env", (*checker).buildEnv},
	{"exprs", (*checker).compileExprs},
	{"refs", (*checker).resolveRefs},
	{"platforms", (*checker).checkPlatforms},
	{"steps", (*checker).checkSteps},
	{"graph", (*checker).checkGraph},
	{"tests", (*checker).checkTests},
	{"partial", (*checker).quietPartial},
	// suppress runs last, over everything found above.
	{"suppress", (*checker).suppress},
}

// Check analyses one flow.
func Check(u *Unit) (*Info, diag.Diagnostics) {
	sizes := u.Cache.sizes()
	c := &checker{
		u: u, sizes: sizes, last: u.Cache.learned(),
		info: &Info{
			Exprs:  make(map[*ast.Expr]*exprs.Compiled, sizes.exprs),
			Values: make(map[*ast.Expr]any, sizes.values), Consts: map[string]any{},
			Tables: map[string]*table.Data{}, DataFiles: map[string][]byte{}, Hours: map[string]*hours.Schedule{},
			Handlers: make(map[string]*ast.Handler, sizes.handlers),
		},
		decls:    map[string]ast.Node{},
		varTypes: map[string][]any{},
		failed:   map[*ast.Expr]bool{}, failedConsts: map[string]bool{}, lostHandlers: map[string]bool{},
	}
	for _, s := range stages {
		s.run(c)
	}
	u.Cache.keepSizes(infoSizes{exprs: len(c.info.Exprs), values: len(c.info.Values), handlers: len(c.info.Handlers), blocks: len(c.now.steps)})
	u.Cache.keep(c.now)
	return c.info, c.diags
}

func (c *checker) report(d *diag.Diagnostic) *diag.Diagnostic {
	c.diags = append(c.diags, d)
	return d
}

func (c *checker) file(name string) *source.File { return c.u.Files[name] }

func (c *checker) checkVersion() {
	if v := c.u.Main.Version; v != 1 {
		c.report(diag.Errorf(diag.BadVersion, c.u.Main.VerAt, "language version %d is not supported", v).
			Do("This callflow understands version 1: write `flow %s` without a version.", c.u.Main.Flow.Name))
	}
}

// quietPartial drops the warnings of a flow whose files had syntax errors:
// a warning about what is absent (no hangup, nothing reaching a handler)
// may be about what the parser left out. Errors stay: they are about what
// is there.
func (c *checker) quietPartial() {
	if !c.partial() {
		return
	}
	kept := c.diags[:0]
	for _, d := range c.diags {
		if d.Severity == diag.Error {
			kept = append(kept, d)
		}
	}
	c.diags = kept
}

func (c *checker) partial() bool {
	for _, f := range append([]*ast.File{c.u.Main}, c.u.Tests...) {
		if f.Partial {
			return true
		}
	}
	return false
}
