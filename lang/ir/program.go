// Package ir is the compiled program: the immutable, checked form of a set of
// flows that the runtime evaluates. Nothing in it changes after compilation,
// so one Program is shared by every request; per-call state lives in the
// runtime's sessions.
//
// Handlers are flattened into instruction lists with jumps, so the point a
// capture resumes from is just a handler name and an index.
package ir

import (
	"maps"
	"slices"
	"sort"
	"time"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/bundle"
	"github.com/callflow/callflow/lang/exprs"
	"github.com/callflow/callflow/lang/hours"
	"github.com/callflow/callflow/lang/source"
)

// Program is a set of compiled flows.
type Program struct {
	Flows []*Flow // sorted by name
}

// Flow returns the flow with the given name.
func (p *Program) Flow(name string) *Flow {
	i := sort.Search(len(p.Flows), func(i int) bool { return p.Flows[i].Name >= name })
	if i < len(p.Flows) && p.Flows[i].Name == name {
		return p.Flows[i]
	}
	return nil
}

// ForNumber returns the flow that answers number on platform, if any.
func (p *Program) ForNumber(platform, number string) *Flow {
	for _, f := range p.Flows {
		if f.Targets(platform) {
			for _, n := range f.Numbers {
				if n == number {
					return f
				}
			}
		}
	}
	return nil
}

// Flow is one compiled flow.
type Flow struct {
	Name      string
	File      string   // the .flow file, slash-separated
	Version   string   // hash of the source and table files
	Platforms []string // platforms the flow compiles for
	Numbers   []string // called numbers it answers

	Voice string   // default voice, "" when none
	Speed *float64 // default speed, nil when none
	// VoiceExpr and SpeedExpr are the file's voice and speed when they are
	// computed from the call (`voice lang == "fr" ? "fr-FR-…" : "en-US-…"`):
	// evaluated for each step without its own. Nil when known at compile
	// time (Voice, Speed).
	VoiceExpr, SpeedExpr *Expr

	Consts  map[string]any
	Tables  map[string]*Table
	Lookups map[string]*Lookup
	Hours   map[string]*hours.Schedule
	Vars    []string // session variables, in declaration order

	Rules    []*Rule
	Index    *PrefixIndex // prefix rules indexed for fast selection; nil when not useful
	Handlers map[string]*Handler

	// Reads holds every environment name some expression of the flow reads,
	// so the runtime builds only those for each webhook.
	Reads map[string]bool
	// Builtins are the built-in names (caller, now, …) in Reads, the ones
	// the runtime fills from each webhook.
	Builtins []string

	// Static holds the values every webhook's environment starts with: the
	// consts, table rows and hours the flow reads. Never modify it: the
	// runtime clones it per webhook.
	Static map[string]any

	// Loaded holds the values of secret() and env(), read when the flow
	// was loaded; it prints as a placeholder everywhere.
	Loaded *exprs.Loaded
	// CallValues says some expression calls random, pick, secret or env:
	// the runtime gives those webhooks' evaluations exprs.CallValues.
	CallValues bool

	// Bundle holds the files Version hashes (the flow, its tests, its
	// tables), so a store shared by several replicas can give this version
	// to one that never loaded it. Nil for a flow not compiled from files.
	Bundle *bundle.Bundle
}

// Stubs lists, sorted, the names a test or `callflow run` may stub with a
// given value: the flow's lookups and tables.
func (f *Flow) Stubs() []string {
	out := make([]string, 0, len(f.Lookups)+len(f.Tables))
	for n := range f.Lookups {
		out = append(out, n)
	}
	for n := range f.Tables {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// PostURLs are the URLs of the flow's post steps, as ast.URLPrefixes
// tells them from their source: those known whole, and the prefixes of
// the others. A post stub for a URL none of them can be is a typo.
func (f *Flow) PostURLs() (exact, prefixes []string) {
	var srcs []string
	for _, name := range slices.Sorted(maps.Keys(f.Handlers)) {
		for _, in := range f.Handlers[name].Code {
			if p, ok := in.(*Post); ok && p.URL != nil {
				srcs = append(srcs, p.URL.Src)
			}
		}
	}
	return ast.URLPrefixes(srcs)
}

// Targets reports whether the flow compiles for platform.
func (f *Flow) Targets(platform string) bool {
	for _, p := range f.Platforms {
		if p == platform {
			return true
		}
	}
	return false
}

// Table is a table loaded from a CSV or JSON file.
type Table struct {
	Name    string
	File    string
	Columns []string
	Rows    map[string]map[string]any
}

// Lookup is a JSON HTTP lookup.
type Lookup struct {
	Name    string
	URL     *Expr // yields the URL; each ${…} value is escaped for where it stands (path, query or fragment)
	Timeout time.Duration
	// Cache is how long an answer is kept across calls, by URL (`cache 5m`);
	// 0: every call fetches its own.
	Cache   time.Duration
	Else    *Expr
	Headers []Header
	At      source.Span
	// URLVaries says the URL reads a variable or another lookup, so it may
	// change while a webhook runs (a PIN captured again); otherwise it is
	// the same URL every time the webhook reads the lookup, and the runtime
	// evaluates it once per webhook.
	URLVaries bool
}

// Rule is `when COND -> HANDLER`; Cond is nil for otherwise.
type Rule struct {
	Cond    *Expr
	Handler string
	At      source.Span
	Pos     string // At as "file:line:col", made once: results and logs name the rule of every call
}

// Handler is a flattened list of instructions.
type Handler struct {
	Name string
	Code []Instr
	At   source.Span
}

// Expr is a compiled expression.
type Expr struct {
	Src     string      // as written
	At      source.Span // where it was written
	Code    *exprs.Code // its bytecode, compiled on first use; nil when IsConst: Const is the value
	Lookups []string    // lookups it reads, to fetch before it runs; none when IsConst
	Const   any         // the value, when IsConst
	IsConst bool        // the value is known at compile time
	// Budgeted says it charges what it builds to the webhook's memory
	// budget (exprs.Compiled.Budgeted): the runtime passes the budget in
	// the environment once such an expression runs.
	Budgeted bool
	// Short, when not nil, is how the runtime evaluates the expression
	// without building the environment its bytecode runs in: it is of a
	// shape common in call flows (Shortcut). Nil for any other expression,
	// which most are: one word here instead of the five its fields take.
	Short *Shortcut
}

// Shortcut is an expression of a shape the runtime evaluates without the
// environment its bytecode runs in; one of Var, Template and Hours is set.
type Shortcut struct {
	// Var is the variable the expression is, when it is nothing but one
	// variable's name (`switch choice`): the runtime reads its value from
	// the session.
	Var string
	// Template is the expression when it is a string literal whose
	// interpolations are each a variable's name (`say "Order ${order_no}
	// is on its way."`): the runtime makes its text from the session's
	// values, as the bytecode would.
	Template *exprs.Template
	// Hours is the schedule the expression asks about when it is nothing
	// but open(office) of an hours declaration, or not open(office) (then
	// Closed): the runtime asks it at the call's time, as the bytecode's
	// open(office, now) does.
	Hours  *hours.Schedule
	Closed bool
}
