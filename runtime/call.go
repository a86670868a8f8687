package runtime

import (
	"context"
	"time"

	"github.com/callflow/callflow/lang/exprs"
	"github.com/callflow/callflow/lang/ir"
	"github.com/callflow/callflow/lang/source"
	"github.com/callflow/callflow/runtime/platform"
)

// call is the work of one webhook. It is used by one goroutine. One is
// allocated per webhook, with the Result it answers (res): 704 bytes, a
// size class of its own; a field more moves it to the 768-byte class.
type call struct {
	e   *Engine
	ctx context.Context
	// route and given are the two fields of the Request the call reads:
	// the flow named in the URL and the stubs. Keeping them rather than the
	// Request lets Handle's Request stay on its stack.
	route string
	given map[string]any
	ev    *platform.Event
	ad    platform.Adapter
	now   time.Time

	// arrived is when the webhook came in (by the machine's clock, not the
	// call's); the platform's answer budget runs from then (deadline). The
	// context that carries it is made only when I/O needs it: most tencent
	// webhooks do none. The budget is kept rather than the deadline: a
	// time.Time more would move the call to the next size class.
	arrived time.Time
	budget  time.Duration
	ioCtx   context.Context
	cancel  context.CancelFunc

	dl   *delivery // the delivery's claim, with a CallStore; else nil
	flow *ir.Flow
	sess *Session
	rev  uint64 // the session's revision in the store; 0 for a new call
	key  string // the session's key in the store, once made
	env  map[string]any
	mem  exprs.Budget // what this webhook's expressions have built
	// lookups holds, for each lookup this webhook resolved, the URL whose
	// result env holds (lookupState).
	lookups       []lookupState
	lookupsInline [1]lookupState // lookups' first backing array: most flows have one

	resp      platform.Response
	actions   [4]platform.Action // resp.Actions' first backing array: most answers hold up to four
	from      []*ir.Pos          // the step each of resp.Actions came from, for render errors
	fromArr   [4]*ir.Pos         // from's first backing array
	handler   string
	steps     int
	ended     bool    // a step ended the handler
	budgeted  bool    // env holds mem (an expression that builds values ran)
	suspended bool    // a capture waits for the caller
	last      *ir.Pos // the step run last: one word, where a source.Span would take eight
	trace     *Trace
	res       Result
}

// deadline is when the platform's answer budget ends.
func (c *call) deadline() time.Time { return c.arrived.Add(c.budget) }

// io is the request context bounded by the answer budget, for lookups and
// the session store.
func (c *call) io() context.Context {
	if c.ioCtx == nil {
		c.ioCtx, c.cancel = context.WithDeadline(c.ctx, c.deadline())
	}
	return c.ioCtx
}

// storeCtx is the context for the session store: the request's own for
// the in-memory store, which never waits (a deadline context per webhook
// cost more than the store's work), else io's.
func (c *call) storeCtx() context.Context {
	if c.e.mem != nil {
		return c.ctx
	}
	return c.io()
}

// loadSession and storeSession go to the session store. The in-memory
// store is given the time the webhook arrived, so a webhook reads the
// machine's clock once rather than once more per store call (a clock
// reading costs as much as the store's own work).
func (c *call) loadSession() (*Session, uint64, error) {
	if c.dl != nil && c.dl.pre != nil { // read with the claim
		return c.dl.pre.Session, c.dl.pre.Rev, c.dl.pre.Err
	}
	if m := c.e.mem; m != nil {
		// The key is looked up without being built, and taken from the
		// session the engine stored: no webhook after a call's first makes
		// it again.
		s, rev, err := m.getCall(c.ev.Platform, c.ev.Session, m.at(c.arrived))
		if s != nil && isKey(s.key, c.ev.Platform, c.ev.Session) {
			c.key = s.key
		}
		return s, rev, err
	}
	return c.e.store.Get(c.io(), c.sessionKey())
}

func (c *call) storeSession() (uint64, error) {
	if m := c.e.mem; m != nil {
		c.sess.key = c.sessionKey()
		return m.compareAndSet(c.sess.key, c.rev, c.sess, c.e.ttl, m.at(c.arrived))
	}
	return c.e.store.CompareAndSet(c.io(), c.sessionKey(), c.rev, c.sess, c.e.ttl)
}

// delivery is a webhook's claim on its delivery, when the store is a
// CallStore: the session read with it, and the claim the answer is kept
// under with the session.
type delivery struct {
	claim Claim
	pre   *SessionRead
}

// release frees what the call held once its answer is made.
func (c *call) release() {
	if c.cancel != nil {
		c.cancel()
	}
	if c.env != nil {
		putEnvironment(c.env)
		c.env, c.budgeted = nil, false
	}
}

// rules returns the handler of the first rule that matches, or "", and
// keeps the rule's position in the call's Result (finish keeps it).
func (c *call) rules() (string, error) {
	rules := c.flow.Rules
	from := 0
	if ix := c.flow.Index; ix != nil {
		// Indexed prefix rules: the first that matches is the trie's answer,
		// exactly as trying them in order would find.
		if i := ix.First(c.ev.Caller); i >= 0 {
			c.traceRule(rules[i], true, "indexed")
			c.res.Rule = rules[i].Pos
			return rules[i].Handler, nil
		}
		from = ix.Upto
	}
	for _, r := range rules[from:] {
		if r.Cond == nil {
			c.traceRule(r, true, "")
			c.res.Rule = r.Pos
			return r.Handler, nil
		}
		ok, err := c.evalBool(r.Cond)
		if err != nil {
			return "", err
		}
		c.traceRule(r, ok, "")
		if ok {
			c.res.Rule = r.Pos
			return r.Handler, nil
		}
	}
	return "", nil
}

// run executes instructions from handler name at pc until the handler ends,
// a capture suspends the call, or the step limit is reached. The end of a
// handler, or a return, goes back to the innermost do (the session's
// frames); a goto stays in the frame it is in.
func (c *call) run(name string, pc int) error {
	h := c.enter(name)
	for ; ; c.steps++ {
		for pc >= len(h.Code) { // reaching the end of a handler is not a step
			f, ok := c.sess.pop()
			if !ok {
				return nil
			}
			h, pc = c.enter(f.Handler), f.PC
		}
		if c.steps >= MaxSteps {
			break
		}
		in := h.Code[pc]
		c.last = in.Position()
		next, err := c.exec(in, pc)
		if err != nil {
			return err
		}
		if c.ended || c.suspended {
			return nil
		}
		switch in := in.(type) {
		case *ir.Goto:
			h = c.enter(in.Handler)
		case *ir.Do:
			h = c.enter(in.Handler)
		case *ir.Return:
			f, ok := c.sess.pop()
			if !ok {
				return nil // outside any do: the end of the handler
			}
			h, next = c.enter(f.Handler), f.PC
		}
		pc = next
	}
	return &Error{Code: "step-limit", Msg: "the webhook ran 1,000 steps without reaching a capture or an end", At: c.lastAt(), Flow: c.flow.Name, Handler: c.handler}
}

// enter makes name the handler running.
func (c *call) enter(name string) *ir.Handler {
	c.handler = name
	h := c.flow.Handlers[name]
	c.traceHandler(h)
	return h
}

// exec runs one instruction and returns the next pc.
func (c *call) exec(in ir.Instr, pc int) (int, error) {
	c.traceStep(in)
	switch in := in.(type) {
	case *ir.Set:
		v, err := c.eval(in.Value)
		if err != nil {
			return 0, err
		}
		// What the session keeps counts too: a thousand sets of one large
		// string from the call's data build nothing, and keep a copy each.
		if err := c.mem.Keep(v); err != nil {
			return 0, c.exprError(in.Value, err)
		}
		c.setVar(in.Var, v)
	case *ir.Goto:
		return 0, nil
	case *ir.Do:
		return 0, c.pushFrame(in, pc)
	case *ir.Return:
		return 0, nil
	case *ir.Branch:
		ok, err := c.evalBool(in.Cond)
		if err != nil || !ok {
			return in.Else, err
		}
	case *ir.Jump:
		return in.To, nil
	case *ir.SwitchJump:
		return c.switchJump(in)
	case *ir.Capture:
		return pc, c.capture(in, pc, 1)
	case *ir.Record:
		c.record(in, pc)
		return pc, nil
	case *ir.MakeCall:
		return pc + 1, c.dial(in, pc)
	case *ir.Post:
		return pc + 1, c.post(in)
	default:
		a, ends, err := c.action(in)
		if err != nil {
			return 0, err
		}
		c.emit(in, a)
		c.ended = ends
	}
	return pc + 1, nil
}

// emit adds an action to the response and remembers the step it came
// from, so an action the adapter cannot render is logged at its step.
func (c *call) emit(from ir.Instr, a platform.Action) {
	if c.from == nil {
		c.from = c.fromArr[:0]
	}
	c.resp.Actions = append(c.resp.Actions, a)
	c.from = append(c.from, from.Position())
}

// renderedAt is the position of the step whose action a Render error is
// about; the last step run when the error names none (or an action the end
// of the handler added).
func (c *call) renderedAt(err error) source.Span {
	if i, ok := platform.FailedAction(err); ok && i >= 0 && i < len(c.from) {
		return c.from[i].At
	}
	return c.lastAt()
}

// lastAt is the position of the step run last; none before the first.
func (c *call) lastAt() source.Span {
	if c.last == nil {
		return source.Span{}
	}
	return c.last.At
}

func (c *call) switchJump(in *ir.SwitchJump) (int, error) {
	v, err := c.eval(in.Value)
	if err != nil {
		return 0, err
	}
	for _, cs := range in.Cases {
		for _, want := range cs.Values {
			if equal(v, want) {
				return cs.To, nil
			}
		}
	}
	return in.Else, nil
}

func (c *call) setVar(name string, v any) {
	v = detachValue(c.ev.Body, v) // the session outlives the webhook's body (detach.go)
	c.sess.set(name, v)
	if c.env != nil {
		c.env[name] = v
	}
}

// vars renders the session's variables in the order they were first set.
func (c *call) vars() []platform.Var {
	if c.sess == nil {
		return nil
	}
	out := make([]platform.Var, 0, len(c.sess.Order))
	for _, k := range c.sess.Order {
		out = append(out, platform.Var{Key: k, Value: text(c.sess.Vars[k])})
	}
	return out
}
