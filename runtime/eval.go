package runtime

import (
	"fmt"
	"maps"
	"math"
	"strconv"
	"sync"

	"github.com/expr-lang/expr/vm"

	"github.com/callflow/callflow/lang/exprs"
	"github.com/callflow/callflow/lang/ir"
	"github.com/callflow/callflow/runtime/platform"
)

// vms are reused: a VM holds a stack, and one per evaluation would allocate.
var vms = sync.Pool{New: func() any { return &vm.VM{} }}

// envs are environment maps for reuse: a map per webhook was the largest
// allocation of a Tencent answer. An environment is used by one call and
// put back cleared when the call is answered; no value can hold the map
// itself (the checker rejects expr-lang's $env).
var envs = sync.Pool{New: func() any { return make(map[string]any, 16) }}

// maxPooledEnv bounds the environments kept for reuse: clearing costs in
// proportion to the room a map grew to, and a flow with hundreds of consts
// is rare.
const maxPooledEnv = 64

func putEnvironment(env map[string]any) {
	if len(env) <= maxPooledEnv {
		clear(env)
		envs.Put(env)
	}
}

// environment builds the names expressions read, once per webhook: the
// flow's static values, then what this call adds.
func (c *call) environment() map[string]any {
	if c.env != nil {
		return c.env
	}
	f := c.flow
	env := envs.Get().(map[string]any)
	maps.Copy(env, f.Static)
	for _, name := range f.Builtins {
		env[name], _ = c.builtin(name)
	}
	for k, t := range f.Tables {
		if _, given := c.given[k]; given && f.Reads[k] {
			env[k] = c.table(k, t)
		}
	}
	for k, v := range c.sess.Vars {
		env[k] = v
	}
	c.env = env
	return env
}

// builtin is the value of a name every flow has.
func (c *call) builtin(name string) (any, bool) {
	switch name {
	case "caller":
		return c.ev.Caller, true
	case "callee":
		return c.ev.Callee, true
	case "session":
		return c.ev.Session, true
	case "platform":
		return c.ev.Platform, true
	case "now":
		return c.now, true
	case "event":
		return c.ev.RawJSON(), true
	case "data":
		// data is a trigger's payload; other platforms have none (language.md §5).
		if c.ev.Kind != platform.Trigger || c.ev.Data == nil {
			return map[string]any{}, true
		}
		return c.ev.Data, true
	}
	return nil, false
}

// table returns a table's rows, with rows a test gave laid over them.
func (c *call) table(name string, t *ir.Table) any {
	given, ok := c.given[name].(map[string]any)
	if !ok {
		return t.Rows
	}
	rows := make(map[string]map[string]any, len(t.Rows)+len(given))
	for k, v := range t.Rows {
		rows[k] = v
	}
	for k, v := range given {
		if row, ok := v.(map[string]any); ok {
			rows[k] = row
		}
	}
	return rows
}

// shortcut is the value of an expression of a shape that needs no
// environment (ir.Shortcut): a variable's name read from the session, as
// the bytecode would read it from the environment, where the session's
// variables are written last; a text of literal text and variables'
// names, charged to the budget as the bytecode charges it; open(office)
// asked of the schedule at the call's time. A webhook whose expressions
// are all such builds no environment. ok is false for any other
// expression, and for a variable the session does not hold, a value
// CheckValue refuses or a text the budget refuses: the bytecode then
// evaluates it, and reports what is wrong as it always has.
func (c *call) shortcut(x *ir.Expr) (any, bool) {
	s := x.Short
	switch {
	case s == nil:
		return nil, false
	case s.Hours != nil: // open(office, now) without the environment
		return s.Hours.Open(c.now) != s.Closed, true
	case c.sess == nil:
		return nil, false
	case s.Var != "":
		v, ok := c.sess.Vars[s.Var]
		if !ok || exprs.CheckValue(v) != nil {
			return nil, false
		}
		return v, true
	case s.Template != nil:
		return s.Template.Text(&c.mem, c.sess.Vars)
	}
	return nil, false
}

// eval runs an expression, resolving the lookups it reads first: each for
// the URL its expression evaluates to now (resolve).
func (c *call) eval(x *ir.Expr) (any, error) {
	if x == nil {
		return nil, nil
	}
	if x.IsConst {
		return x.Const, nil
	}
	if v, ok := c.shortcut(x); ok {
		return v, nil
	}
	env := c.environment()
	if x.Budgeted && !c.budgeted {
		// The first expression of the webhook that builds values: the
		// rest (comparisons, names) never read the budget.
		env[exprs.BudgetName], c.budgeted = &c.mem, true
		if c.flow.CallValues {
			c.mem.SetCall(c.callValues())
		}
	}
	for _, name := range x.Lookups {
		if err := c.resolve(name); err != nil {
			return nil, err
		}
	}
	prog, err := x.Code.Program()
	if err != nil {
		return nil, c.exprError(x, err)
	}
	m := vms.Get().(*vm.VM)
	v, err := m.Run(prog, env)
	vms.Put(m)
	if err == nil {
		err = exprs.CheckValue(v)
	}
	if err != nil {
		return nil, c.exprError(x, err)
	}
	return v, nil
}

func (c *call) evalBool(x *ir.Expr) (bool, error) {
	v, err := c.eval(x)
	if err != nil {
		return false, err
	}
	b, ok := v.(bool)
	if !ok {
		return false, c.typeError(x, "true or false", v)
	}
	return b, nil
}

// evalText evaluates text as a person would hear it; nil gives "".
func (c *call) evalText(x *ir.Expr) (string, error) {
	v, err := c.eval(x)
	return text(v), err
}

func (c *call) evalString(x *ir.Expr, what string) (string, error) {
	v, err := c.eval(x)
	if err != nil || v == nil {
		return "", err
	}
	s, ok := v.(string)
	if !ok {
		return "", c.typeError(x, what, v)
	}
	return s, nil
}

func (c *call) evalNumber(x *ir.Expr) (float64, error) {
	v, err := c.eval(x)
	if err != nil || v == nil {
		return 0, err
	}
	if f, ok := number(v); ok {
		return f, nil
	}
	return 0, c.typeError(x, "a number", v)
}

// evalInt accepts whole numbers, from JSON floats or numeric strings too:
// ids often come from lookups.
func (c *call) evalInt(x *ir.Expr) (int64, error) {
	v, err := c.eval(x)
	if err != nil {
		return 0, err
	}
	switch n := v.(type) {
	case string:
		if n, err := strconv.ParseInt(n, 10, 64); err == nil {
			return n, nil
		}
	case int:
		return int64(n), nil
	case int64: // a JSON id beyond 2^53, decoded exactly: float64 would round it
		return n, nil
	}
	if f, ok := number(v); ok && f == math.Trunc(f) {
		return int64(f), nil
	}
	return 0, c.typeError(x, "a whole number", v)
}

// exprError is an expression failing on real data; over a memory limit it
// has its own code, so an operator can tell an attack or a runaway flow from
// bad data.
func (c *call) exprError(x *ir.Expr, err error) error {
	code, msg := "expr", err.Error()
	if exprs.IsMemory(err) {
		code, msg = "memory", exprs.MemoryMessage(err)
	}
	return &Error{Code: code, Msg: fmt.Sprintf("%s: %s", x.Src, msg), At: x.At, Flow: c.flow.Name, Handler: c.handler, Err: err}
}

func (c *call) typeError(x *ir.Expr, want string, got any) error {
	return &Error{Code: "expr", Msg: fmt.Sprintf("%s is %T (%s), not %s", x.Src, got, text(got), want), At: x.At, Flow: c.flow.Name, Handler: c.handler}
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

// equal compares a switch value with a case value: numbers by value, other
// values as they would be said, so the digits "1" match the case 1.
func equal(a, b any) bool {
	if x, ok := number(a); ok {
		if y, ok := number(b); ok {
			return x == y
		}
	}
	return text(a) == text(b)
}

func text(v any) string { return exprs.Text(v) }

func quote(s string) string { return strconv.Quote(s) }
