// Package exprs is the bridge between .flow source and expr-lang: it builds
// the typed environment of a flow, compiles each expression once against it,
// and maps every expr-lang error to the exact line and column in the .flow
// file, inside ${…} interpolations too.
//
// Compiled expressions are immutable and safe for concurrent use.
package exprs

import (
	"maps"
	"reflect"
	"slices"
	"time"

	"github.com/expr-lang/expr/conf"

	"github.com/callflow/callflow/lang/hours"
)

// Kind is what a name in the environment is, for messages and for the runtime
// to know which names need a lookup fetched first.
type Kind uint8

const (
	Builtin Kind = iota // caller, callee, session, platform, now, event, data
	ConstName
	TableName
	LookupName
	HoursName
	VarName
)

func (k Kind) String() string {
	return [...]string{"built-in", "const", "table", "lookup", "hours", "variable"}[k]
}

// Env is the typed environment of one flow: every name an expression may use,
// with a sample value whose type expr-lang checks against.
type Env struct {
	samples map[string]any
	kinds   map[string]Kind
	cfg     *conf.Config // built on first compile; Define resets it
	cache   *Cache       // nil: compile every time
	eager   bool         // compile each expression's bytecode as it is checked (CompileEagerly)
	key     *[32]byte    // digest, computed on first use; Define resets it
}

// Types of the names every flow has (language.md section 5).
var (
	Table = map[string]map[string]any{}
	Map   = map[string]any{}
)

// BuiltinNames are the names every flow has, filled from each webhook.
var BuiltinNames = []string{"caller", "callee", "session", "platform", "now", "event", "data"}

// NewEnv returns the environment every flow starts with.
func NewEnv() *Env {
	e := &Env{samples: map[string]any{}, kinds: map[string]Kind{}}
	for _, n := range BuiltinNames[:4] {
		e.Define(n, "", Builtin)
	}
	e.Define("now", time.Time{}, Builtin)
	e.Define("event", Map, Builtin)
	e.Define("data", Map, Builtin)
	return e
}

// Define adds a name with a sample value of its type; a nil sample means the
// type is only known at run time.
func (e *Env) Define(name string, sample any, k Kind) {
	e.samples[name] = sample
	e.kinds[name] = k
	e.cfg, e.key = nil, nil
}

// DefineHours adds an hours declaration.
func (e *Env) DefineHours(name string) { e.Define(name, (*hours.Schedule)(nil), HoursName) }

// Digest identifies e's names and the type of each: two environments with
// one digest compile every expression alike.
func (e *Env) Digest() [32]byte { return e.digest() }

// Kinds is what each name of e is, a copy.
func (e *Env) Kinds() map[string]Kind { return maps.Clone(e.kinds) }

// Kind returns what a name is.
func (e *Env) Kind(name string) (Kind, bool) {
	k, ok := e.kinds[name]
	return k, ok
}

// Has reports whether name is defined.
func (e *Env) Has(name string) bool { _, ok := e.kinds[name]; return ok }

// Names lists every defined name, sorted, for did-you-mean.
func (e *Env) Names() []string { return slices.Sorted(maps.Keys(e.kinds)) }

// Clone copies the environment, so a scope can add names.
func (e *Env) Clone() *Env {
	return &Env{samples: maps.Clone(e.samples), kinds: maps.Clone(e.kinds), cache: e.cache, eager: e.eager}
}

// TypeOf is the static type of a name; nil when only known at run time.
func (e *Env) TypeOf(name string) reflect.Type {
	if v := e.samples[name]; v != nil {
		return reflect.TypeOf(v)
	}
	return nil
}

// CompileEagerly makes e, and the environments cloned from it, compile
// every expression's bytecode as it is checked, not when it first runs
// (Code).
func (e *Env) CompileEagerly() { e.eager = true }
