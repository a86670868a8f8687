package flowtest

import (
	"fmt"
	"slices"
	"sync"

	"github.com/callflow/callflow/lang/ir"
	"github.com/callflow/callflow/lang/source"
	"github.com/callflow/callflow/runtime"
)

// FlowCoverage is what the tests exercised of one flow.
type FlowCoverage struct {
	Flow string
	File string // the .flow file
	// Rules counts the rules that picked a handler at least once; Handlers
	// the handlers entered; Steps the steps run (if and switch are not
	// steps: the steps inside them are).
	Rules, Handlers, Steps Count
	// Missed lists what was not exercised, in source order. The steps of a
	// handler that was never entered are counted but not listed.
	Missed []Item
	// Items lists every rule, handler and step with how often the tests
	// reached it, in source order (rules, then each handler and its steps).
	Items []Item
}

// Count is how many of Total were exercised.
type Count struct{ Hit, Total int }

// Percent is the share exercised, 100 when there is nothing to exercise.
func (c Count) Percent() float64 {
	if c.Total == 0 {
		return 100
	}
	return 100 * float64(c.Hit) / float64(c.Total)
}

func (c Count) String() string { return fmt.Sprintf("%d/%d (%.0f%%)", c.Hit, c.Total, c.Percent()) }

// Item is a rule, handler or step no test exercised.
type Item struct {
	Kind string // rule, handler or step
	Name string // `when COND -> HANDLER`, the handler's name, or the step's keyword
	In   string // for a step, its handler
	At   source.Span
	// Hits is how many times the tests reached it: webhooks a rule picked
	// its handler for, entries into a handler, runs of a step.
	Hits int
}

// String is "rule when COND -> HANDLER", "handler NAME" or "step KEYWORD in
// handler NAME".
func (it Item) String() string {
	if it.Kind == "step" {
		return "step " + it.Name + " in handler " + it.In
	}
	return it.Kind + " " + it.Name
}

// spanKey identifies a rule or instruction by where it was written.
type spanKey struct {
	file       string
	start, end int
}

func key(s source.Span) spanKey { return spanKey{s.File, s.Start.Offset, s.End.Offset} }

type hits struct {
	rules    map[spanKey]int
	handlers map[string]int
	steps    map[spanKey]int
}

type coverage struct {
	mu    sync.Mutex
	prog  *ir.Program
	flows map[string]*hits
}

func newCoverage(prog *ir.Program) *coverage {
	c := &coverage{prog: prog, flows: map[string]*hits{}}
	for _, f := range prog.Flows {
		c.flows[f.Name] = &hits{rules: map[spanKey]int{}, handlers: map[string]int{}, steps: map[spanKey]int{}}
	}
	return c
}

// record notes what one webhook's trace exercised.
func (c *coverage) record(f *ir.Flow, tr *runtime.Trace) {
	if tr == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	h := c.flows[f.Name]
	if h == nil {
		return
	}
	for _, e := range tr.Entries {
		switch e.Kind {
		case "rule":
			if len(e.Result) >= 7 && e.Result[:7] == "matched" {
				h.rules[key(e.At)]++
			}
		case "handler":
			h.handlers[e.Text]++
		case "step":
			h.steps[key(e.At)]++
		}
	}
}

// report computes the coverage of every flow.
func (c *coverage) report() []FlowCoverage {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []FlowCoverage
	for _, f := range c.prog.Flows {
		h := c.flows[f.Name]
		fc := FlowCoverage{Flow: f.Name, File: f.File}
		for _, r := range f.Rules {
			name := "otherwise -> " + r.Handler
			if r.Cond != nil {
				name = "when " + r.Cond.Src + " -> " + r.Handler
			}
			it := Item{Kind: "rule", Name: name, At: r.At, Hits: h.rules[key(r.At)]}
			fc.Items = append(fc.Items, it)
			fc.Rules.Total++
			if it.Hits > 0 {
				fc.Rules.Hit++
			} else {
				fc.Missed = append(fc.Missed, it)
			}
		}
		for _, hd := range handlers(f) {
			hi := Item{Kind: "handler", Name: hd.Name, At: hd.At, Hits: h.handlers[hd.Name]}
			fc.Items = append(fc.Items, hi)
			fc.Handlers.Total++
			if hi.Hits > 0 {
				fc.Handlers.Hit++
			} else {
				fc.Missed = append(fc.Missed, hi)
			}
			for _, in := range hd.Code {
				name, ok := stepName(in)
				if !ok {
					continue
				}
				it := Item{Kind: "step", Name: name, In: hd.Name, At: in.Span(), Hits: h.steps[key(in.Span())]}
				fc.Items = append(fc.Items, it)
				fc.Steps.Total++
				if it.Hits > 0 {
					fc.Steps.Hit++
				} else if hi.Hits > 0 {
					fc.Missed = append(fc.Missed, it)
				}
			}
		}
		slices.SortStableFunc(fc.Missed, func(a, b Item) int {
			if a.At.File != b.At.File {
				if a.At.File < b.At.File {
					return -1
				}
				return 1
			}
			return a.At.Start.Offset - b.At.Start.Offset
		})
		out = append(out, fc)
	}
	return out
}

// handlers lists a flow's handlers in source order.
func handlers(f *ir.Flow) []*ir.Handler {
	out := make([]*ir.Handler, 0, len(f.Handlers))
	for _, h := range f.Handlers {
		out = append(out, h)
	}
	slices.SortFunc(out, func(a, b *ir.Handler) int {
		if a.At.Start.Offset != b.At.Start.Offset {
			return a.At.Start.Offset - b.At.Start.Offset
		}
		if a.Name < b.Name {
			return -1
		}
		return 1
	})
	return out
}

// stepName is the keyword of an instruction that is a step; the jumps if
// and switch compile to are not.
func stepName(in ir.Instr) (string, bool) {
	switch in.(type) {
	case *ir.Say:
		return "say", true
	case *ir.Play:
		return "play", true
	case *ir.Capture:
		return "capture", true
	case *ir.MakeCall:
		return "makeCall", true
	case *ir.Agent:
		return "agent", true
	case *ir.IVR:
		return "ivr", true
	case *ir.Set:
		return "set", true
	case *ir.Hangup:
		return "hangup", true
	case *ir.Goto:
		return "goto", true
	case *ir.Callback:
		return "callback", true
	case *ir.Campaign:
		return "campaign", true
	case *ir.Do:
		return "do", true
	case *ir.Return:
		return "return", true
	case *ir.Pause:
		return "pause", true
	case *ir.Record:
		return "record", true
	case *ir.Post:
		return "post", true
	}
	return "", false
}
