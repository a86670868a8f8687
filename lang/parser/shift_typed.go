package parser

import (
	"reflect"
	"unsafe"

	"github.com/callflow/callflow/lang/ast"
)

// The commonest nodes are copied by these typed functions rather than by
// reflection, which costs several times as much per node: a move of half
// a 1 MiB flow copies some 70,000 nodes. Each copies the node whole and
// then replaces the fields that hold positions or nodes;
// TestTypedShiftCoversEveryField fails when a type gains such a field
// that its function does not know. Any other node goes by reflection.

// memo returns the copy of n, made by copying *n and calling fill on the
// copy the first time n is met in this declaration: a node held twice
// stays one node.
func memo[T any](s *shift, n *T, fill func(c *T)) *T {
	if n == nil {
		return nil
	}
	k := node{reflect.TypeFor[*T](), uintptr(unsafe.Pointer(n))}
	if c, ok := s.copies[k]; ok {
		return c.Interface().(*T)
	}
	c := new(T)
	*c = *n
	s.copies[k] = reflect.ValueOf(c)
	fill(c)
	return c
}

// list copies l with each element copied by f; nil stays nil.
func list[T any](l []T, f func(T) T) []T {
	if l == nil {
		return nil
	}
	c := make([]T, len(l))
	for i, e := range l {
		c[i] = f(e)
	}
	return c
}

// reflected copies n, of a type no typed function knows, by reflection.
func reflected[T any](s *shift, n T) T {
	v := reflect.ValueOf(n)
	if !v.IsValid() {
		return n
	}
	return s.value(v).Interface().(T)
}

// typed copies the node v points to by its typed function; false for a
// type that has none.
func (s *shift) typed(v reflect.Value) (reflect.Value, bool) {
	var c any
	switch n := v.Interface().(type) {
	case *ast.Expr:
		c = s.expr(n)
	case *ast.Ident:
		c = s.ident(n)
	case *ast.Duration:
		c = s.duration(n)
	case *ast.Option:
		c = s.option(n)
	case *ast.Block:
		c = s.block(n)
	case *ast.Handler:
		c = s.handler(n)
	case *ast.Rule:
		c = s.rule(n)
	default:
		if st, ok := n.(ast.Step); ok {
			if c = s.step(st); c != nil {
				break
			}
		}
		return reflect.Value{}, false
	}
	return reflect.ValueOf(c), true
}

func (s *shift) decl(d ast.Decl) ast.Decl {
	switch n := d.(type) {
	case *ast.Handler:
		return s.handler(n)
	case *ast.Rule:
		return s.rule(n)
	}
	return reflected(s, d)
}

// step copies st; nil for a kind no typed function knows, which typed
// then copies by reflection.
func (s *shift) step(st ast.Step) ast.Step {
	switch n := st.(type) {
	case *ast.Say:
		return s.say(n)
	case *ast.Goto:
		return s.gotoStep(n)
	case *ast.Hangup:
		return s.hangup(n)
	case *ast.If:
		return s.ifStep(n)
	case *ast.Switch:
		return s.switchStep(n)
	case *ast.Set:
		return s.set(n)
	case *ast.Capture:
		return s.capture(n)
	case *ast.MakeCall:
		return s.makeCall(n)
	}
	return nil
}

// anyStep copies st, by reflection when no typed function knows it.
func (s *shift) anyStep(st ast.Step) ast.Step {
	if c := s.step(st); c != nil {
		return c
	}
	return reflected(s, st)
}

func (s *shift) arg(a ast.Arg) ast.Arg {
	switch n := a.(type) {
	case *ast.Expr:
		return s.expr(n)
	case *ast.Ident:
		return s.ident(n)
	case *ast.Duration:
		return s.duration(n)
	case *ast.Range:
		return s.rng(n)
	}
	return reflected(s, a)
}

func (s *shift) expr(n *ast.Expr) *ast.Expr {
	return memo(s, n, func(c *ast.Expr) { s.span(&c.At) })
}

func (s *shift) ident(n *ast.Ident) *ast.Ident {
	return memo(s, n, func(c *ast.Ident) { s.span(&c.At) })
}

func (s *shift) duration(n *ast.Duration) *ast.Duration {
	return memo(s, n, func(c *ast.Duration) { s.span(&c.At) })
}

func (s *shift) rng(n *ast.Range) *ast.Range {
	return memo(s, n, func(c *ast.Range) { s.span(&c.At) })
}

func (s *shift) hangup(n *ast.Hangup) *ast.Hangup {
	return memo(s, n, func(c *ast.Hangup) { s.span(&c.At) })
}

func (s *shift) handler(n *ast.Handler) *ast.Handler {
	return memo(s, n, func(c *ast.Handler) {
		s.span(&c.At)
		c.Name, c.Body = s.ident(c.Name), s.block(c.Body)
	})
}

func (s *shift) rule(n *ast.Rule) *ast.Rule {
	return memo(s, n, func(c *ast.Rule) {
		s.span(&c.At)
		c.Cond, c.Handler = s.expr(c.Cond), s.ident(c.Handler)
	})
}

func (s *shift) block(n *ast.Block) *ast.Block {
	return memo(s, n, func(c *ast.Block) {
		s.span(&c.At)
		c.Steps = list(c.Steps, s.anyStep)
	})
}

func (s *shift) say(n *ast.Say) *ast.Say {
	return memo(s, n, func(c *ast.Say) {
		s.span(&c.At)
		c.Text, c.Voice, c.Speed = s.expr(c.Text), s.expr(c.Voice), s.expr(c.Speed)
		c.Repeat, c.Language = s.expr(c.Repeat), s.expr(c.Language)
	})
}

func (s *shift) gotoStep(n *ast.Goto) *ast.Goto {
	return memo(s, n, func(c *ast.Goto) {
		s.span(&c.At)
		c.Handler = s.ident(c.Handler)
	})
}

func (s *shift) set(n *ast.Set) *ast.Set {
	return memo(s, n, func(c *ast.Set) {
		s.span(&c.At)
		c.Var, c.Value = s.ident(c.Var), s.expr(c.Value)
	})
}

func (s *shift) ifStep(n *ast.If) *ast.If {
	return memo(s, n, func(c *ast.If) {
		s.span(&c.At)
		c.Branches = list(c.Branches, s.branch)
		c.Else = s.block(c.Else)
	})
}

func (s *shift) branch(n *ast.Branch) *ast.Branch {
	return memo(s, n, func(c *ast.Branch) {
		s.span(&c.At)
		c.Cond, c.Body = s.expr(c.Cond), s.block(c.Body)
	})
}

func (s *shift) switchStep(n *ast.Switch) *ast.Switch {
	return memo(s, n, func(c *ast.Switch) {
		s.span(&c.At)
		s.span(&c.Close)
		c.Value = s.expr(c.Value)
		c.Cases = list(c.Cases, s.caseOf)
		c.Else = s.block(c.Else)
	})
}

func (s *shift) caseOf(n *ast.Case) *ast.Case {
	return memo(s, n, func(c *ast.Case) {
		s.span(&c.At)
		c.Values = list(c.Values, s.expr)
		c.Body = s.block(c.Body)
	})
}

func (s *shift) capture(n *ast.Capture) *ast.Capture {
	return memo(s, n, func(c *ast.Capture) {
		s.span(&c.At)
		s.span(&c.Close)
		c.Var = s.ident(c.Var)
		c.Options = list(c.Options, s.option)
	})
}

func (s *shift) makeCall(n *ast.MakeCall) *ast.MakeCall {
	return memo(s, n, func(c *ast.MakeCall) {
		s.span(&c.At)
		c.Kind, c.Number, c.From = s.ident(c.Kind), s.expr(c.Number), s.expr(c.From)
		c.Timeout, c.Limit = s.duration(c.Timeout), s.duration(c.Limit)
		c.Outcomes = reflected(s, c.Outcomes)
	})
}

func (s *shift) option(n *ast.Option) *ast.Option {
	return memo(s, n, func(c *ast.Option) {
		s.span(&c.At)
		s.span(&c.Close)
		c.Name, c.Value, c.Every = s.ident(c.Name), s.expr(c.Value), s.duration(c.Every)
		c.Args = list(c.Args, s.arg)
		c.Block = list(c.Block, s.option)
		c.Outcome, c.Body = s.ident(c.Outcome), s.block(c.Body)
	})
}
