package check

import (
	"slices"
	"strings"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/internal/suggest"
	"github.com/callflow/callflow/lang/platform"
)

// builtinNames cannot be redeclared: expressions read them from the webhook.
var builtinNames = []string{"caller", "callee", "session", "platform", "now", "event", "data"}

// declare records a name, reporting a duplicate with the first place.
func (c *checker) declare(id *ast.Ident, what string) bool {
	if id == nil {
		return false
	}
	if slices.Contains(builtinNames, id.Name) {
		c.report(diag.Errorf(diag.DuplicateName, id.At, "%q is a built-in name and cannot name a %s", id.Name, what).
			Do("Choose another name; %s are set from the webhook.", strings.Join(builtinNames, ", ")))
		return false
	}
	if first, ok := c.decls[id.Name]; ok {
		c.report(diag.Errorf(diag.DuplicateName, id.At, "%q is already declared", id.Name).
			Do("Rename or remove one of the declarations.").
			Also(first.Span(), "first declared here"))
		return false
	}
	c.decls[id.Name] = id
	return true
}

// declareHandler records a handler. Handlers have their own namespace: only
// rules and goto name them, so `handler now` does not hide the call's time.
func (c *checker) declareHandler(h *ast.Handler) {
	c.handlers = append(c.handlers, h)
	if first, ok := c.info.Handlers[h.Name.Name]; ok {
		c.report(diag.Errorf(diag.DuplicateName, h.Name.At, "handler %q is already declared", h.Name.Name).
			Do("Rename or remove one of the handlers.").Also(first.Name.At, "first declared here"))
		return
	}
	c.info.Handlers[h.Name.Name] = h
}

// collectDecls records every declaration and checks the ones that need no
// environment: names, targets, rule order.
func (c *checker) collectDecls() {
	var otherwise *ast.Rule
	conds := map[string]*ast.Rule{}
	for _, d := range c.u.Main.Decls {
		if id, k, ok := Declared(d); ok {
			c.declare(id, k.String())
		}
		switch d := d.(type) {
		case *ast.Lookup:
			if d.Else == nil {
				c.report(diag.Errorf(diag.BadLookup, d.Name.At, "lookup %q has no else value", d.Name.Name).
					Do("Add `else VALUE`: it is used when the lookup times out, fails or answers bad JSON."))
			}
		case *ast.Handler:
			c.declareHandler(d)
		case *ast.Target:
			c.collectTargets(d)
		case *ast.Rule:
			c.rules = append(c.rules, d)
			c.checkRuleOrder(d, &otherwise, conds)
		}
	}
}

func (c *checker) checkRuleOrder(r *ast.Rule, otherwise **ast.Rule, conds map[string]*ast.Rule) {
	switch {
	case *otherwise != nil && r.Cond == nil:
		c.report(diag.Errorf(diag.OtherwiseTwice, r.At, "a second otherwise rule").
			Do("Keep one otherwise, as the last rule.").Also((*otherwise).At, "the first otherwise"))
	case *otherwise != nil:
		c.report(diag.Warningf(diag.UnreachableRule, r.Cond.At, "rule after otherwise can never match").
			Do("Move it before the otherwise rule.").Also((*otherwise).At, "otherwise matches every call first"))
	case r.Cond == nil:
		*otherwise = r
	default:
		key := strings.Join(strings.Fields(r.Cond.Text), " ")
		if first, ok := conds[key]; ok {
			c.report(diag.Warningf(diag.UnreachableRule, r.Cond.At, "the same condition as an earlier rule can never match").
				Do("Remove this rule or change its condition.").Also(first.Cond.At, "this rule matches first"))
			return
		}
		conds[key] = r
	}
}

func (c *checker) collectTargets(t *ast.Target) {
	if c.targetsAt != nil {
		c.report(diag.Errorf(diag.DuplicateName, t.At, "target is declared twice").
			Do("List every platform in one target declaration.").Also(c.targetsAt.Span(), "first target"))
		return
	}
	c.targetsAt = t
	for _, p := range t.Platforms {
		if _, ok := platform.Lookup(p.Name); !ok {
			c.report(diag.Errorf(diag.UnknownPlatform, p.At, "unknown platform %q", p.Name).
				Do("Use %s.", strings.Join(platform.Names(), ", ")).Maybe(suggest.Nearest(p.Name, platform.Names())))
			continue
		}
		if slices.Contains(c.info.Platforms, p.Name) {
			continue
		}
		c.info.Platforms = append(c.info.Platforms, p.Name)
	}
}

// resolveRefs checks that every rule and step naming a handler names one.
func (c *checker) resolveRefs() {
	for _, r := range c.rules {
		c.handlerRef(r.Handler)
	}
	c.forSteps(func(_ *ast.Handler, s ast.Step) {
		if id := HandlerRef(s); id != nil {
			c.handlerRef(id)
		}
	})
}

func (c *checker) handlerRef(id *ast.Ident) {
	if _, ok := c.info.Handlers[id.Name]; ok || c.lostHandlers[id.Name] {
		return
	}
	names := make([]string, 0, len(c.handlers))
	for _, h := range c.handlers {
		names = append(names, h.Name.Name)
	}
	c.report(diag.Errorf(diag.UnknownHandler, id.At, "no handler named %q", id.Name).
		Do("Declare `handler %s { … }` or fix the name.", id.Name).Maybe(suggest.Nearest(id.Name, names)))
}
