package exprs

import (
	"errors"
	"fmt"
	"log/slog"
	"reflect"

	exprast "github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/builtin"
	"github.com/expr-lang/expr/file"
)

// secret("NAME") and env("NAME", "default") read values the server loads
// with the flow (lang.WithSecrets): a secret is never a constant, never
// folded into the compiled program, and reaches an evaluation only through
// its Budget (Budget.Load), so the values live in one place a trace, a log
// or a JSON listing cannot print.

// Loaded holds the values secret() and env() read, loaded with the flow.
// It prints as a placeholder in every format, so a value holding it cannot
// leak what it holds.
type Loaded struct {
	secrets  map[string]string
	settings map[string]string
}

// NewLoaded keeps the secrets and settings a flow's expressions read.
func NewLoaded(secrets, settings map[string]string) *Loaded {
	return &Loaded{secrets: secrets, settings: settings}
}

// Secret is the loaded value of secret(name).
func (l *Loaded) Secret(name string) (string, bool) {
	if l == nil {
		return "", false
	}
	v, ok := l.secrets[name]
	return v, ok
}

func (l *Loaded) setting(name string) (string, bool) {
	if l == nil {
		return "", false
	}
	v, ok := l.settings[name]
	return v, ok
}

// With is l with the secrets over laid on its own: a test's given secrets.
func (l *Loaded) With(secrets map[string]string) *Loaded {
	out := &Loaded{secrets: map[string]string{}, settings: map[string]string{}}
	if l != nil {
		for k, v := range l.secrets {
			out.secrets[k] = v
		}
		for k, v := range l.settings {
			out.settings[k] = v
		}
	}
	for k, v := range secrets {
		out.secrets[k] = v
	}
	return out
}

// String hides the values.
func (*Loaded) String() string { return "[loaded secrets and settings]" }

// GoString hides the values from %#v.
func (*Loaded) GoString() string { return "exprs.Loaded{[hidden]}" }

// LogValue hides the values from slog.
func (*Loaded) LogValue() slog.Value { return slog.StringValue("[hidden]") }

// MarshalJSON hides the values from JSON.
func (*Loaded) MarshalJSON() ([]byte, error) { return []byte(`"[hidden]"`), nil }

// loaded is what secret and env read through b, nil when nothing.
func (b *Budget) loaded() *Loaded {
	if b == nil || b.call == nil {
		return nil
	}
	return b.call.Loaded
}

var loadFunctions = []*builtin.Function{
	{
		Name: "secret",
		Func: func(args ...any) (any, error) {
			b, _ := args[0].(*Budget)
			name, _ := args[1].(string)
			l := b.loaded()
			if l == nil {
				return nil, fmt.Errorf("secret %q is read only when a call runs", name)
			}
			v, ok := l.secrets[name]
			if !ok {
				return nil, fmt.Errorf("secret %q was not loaded", name)
			}
			return v, nil
		},
		Types: withBudget(reflect.TypeOf(new(func(string) string)).Elem()),
	},
	{
		Name: "env",
		Func: func(args ...any) (any, error) {
			b, _ := args[0].(*Budget)
			name, _ := args[1].(string)
			if v, ok := b.loaded().setting(name); ok {
				return v, nil
			}
			return args[2], nil
		},
		Types: withBudget(reflect.TypeOf(new(func(string, string) string)).Elem()),
	},
}

// errLoadName ends the message of a secret or env call whose name (or
// default) is not a string literal: it must be known when the flow loads.
var errLoadName = errors.New("as a string literal, known when the flow loads")

// loadNameMessage is the summary of a secret or env call whose argument
// what ("its name", "its default") is not a string literal.
func loadNameMessage(fn, what string) string {
	return fn + "() needs " + what + " " + errLoadName.Error()
}

// loadCalls finds the secret and env calls of an expression: their names
// (and env's defaults) must be string literals, read when the flow loads.
type loadCalls struct {
	varies   bool // calls random, pick, secret or env
	secrets  []string
	settings map[string]string // name → default
	err      error
}

func (v *loadCalls) Visit(node *exprast.Node) {
	n, ok := (*node).(*exprast.CallNode)
	if !ok || v.err != nil {
		return
	}
	id, ok := n.Callee.(*exprast.IdentifierNode)
	if !ok {
		return
	}
	switch id.Value {
	case "random", "pick":
		v.varies = true
		return
	case "secret", "env":
		v.varies = true
	default:
		return
	}
	args := n.Arguments
	if len(args) > 0 && isBudgetArg(args[0]) {
		args = args[1:]
	}
	for i, a := range args {
		if _, lit := a.(*exprast.StringNode); !lit {
			what := "its name"
			if i == 1 {
				what = "its default"
			}
			v.err = &file.Error{Location: a.Location(), Message: loadNameMessage(id.Value, what)}
			return
		}
	}
	if len(args) == 0 {
		return
	}
	name := args[0].(*exprast.StringNode).Value
	if id.Value == "secret" {
		v.secrets = append(v.secrets, name)
		return
	}
	if v.settings == nil {
		v.settings = map[string]string{}
	}
	def := ""
	if len(args) > 1 {
		def = args[1].(*exprast.StringNode).Value
	}
	v.settings[name] = def
}

func isBudgetArg(n exprast.Node) bool {
	id, ok := n.(*exprast.IdentifierNode)
	return ok && id.Value == BudgetName
}
