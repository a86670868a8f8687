// Package lang compiles .flow sources into an immutable ir.Program: it parses
// each file, checks it in named stages that collect every diagnostic, and
// lowers the result. It never imports the runtime.
//
//	prog, diags := lang.CompileDir(os.DirFS("flows"))
//	if diags.HasErrors() { … }
//
// The program is nil when there are errors (WithPartial keeps the flows
// without any); the diagnostics are always returned, sorted by file and
// position.
package lang

import (
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/source"
)

// Option configures a compilation.
type Option func(*config)

type config struct {
	maxErrors int
	strict    bool
	sources   source.Files
	disable   []diag.Code
	keepQuiet bool
	partial   bool
	noProgram bool
	eagerCode bool
	secrets   SecretReader
	cache     *Cache
}

func newConfig(opts []Option) *config {
	c := &config{maxErrors: 0, secrets: EnvSecrets}
	for _, o := range opts {
		o(c)
	}
	return c
}

// WithMaxErrors keeps at most n errors (0, the default, keeps all) and adds a
// last diagnostic saying how many were cut.
func WithMaxErrors(n int) Option { return func(c *config) { c.maxErrors = n } }

// WithStrict treats warnings as errors: no program is returned when there are
// any.
func WithStrict(on bool) Option { return func(c *config) { c.strict = on } }

// WithSources registers every file the compilation reads in files, so callers
// can print source lines under diagnostics.
func WithSources(files source.Files) Option { return func(c *config) { c.sources = files } }

// WithDisabled silences the warnings with these codes in every flow, as
// `callflow check --disable` does. Errors cannot be disabled: codes that are
// not warnings are ignored here (the CLI rejects them before compiling).
func WithDisabled(codes ...diag.Code) Option {
	return func(c *config) { c.disable = append(c.disable, codes...) }
}

// WithSuppressed keeps the diagnostics that suppression comments and
// WithDisabled silence in the returned list, marked by their Suppressed
// field, for output such as SARIF that records them. By default they are
// left out. They never count as problems either way.
func WithSuppressed(keep bool) Option { return func(c *config) { c.keepQuiet = keep } }

// WithPartial returns a program even when some flows have errors: it holds
// the flows none of whose files (flow, tests, tables) has an error, so a
// tool can run the flow it was asked for while an unrelated one in the
// folder is being fixed. The diagnostics still report every error; the
// program is nil only when no flow is left.
func WithPartial(on bool) Option { return func(c *config) { c.partial = on } }

// WithoutProgram checks every flow as CompileFiles always does, lowering
// included, but keeps no program: CompileFiles returns nil and the
// diagnostics. Memory then holds only the flows being checked, not all
// of them compiled, for tools that report problems and run nothing
// (`callflow check`).
func WithoutProgram() Option { return func(c *config) { c.noProgram = true } }

// WithEagerCode compiles every expression's bytecode as the flow is
// checked, as a server that wants no first call to pay for it may ask. By
// default an expression whose value is not known at compile time is
// compiled when it first runs (exprs.Code), so a compiled program holds
// the bytecode of what runs only; the two give the same bytecode.
func WithEagerCode() Option { return func(c *config) { c.eagerCode = true } }
