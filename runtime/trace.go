package runtime

import (
	"fmt"
	"strings"
	"time"

	"github.com/callflow/callflow/lang/ir"
	"github.com/callflow/callflow/lang/source"
)

// Trace records how a webhook was answered: each rule tried and its result,
// the handlers entered, the steps run with their .flow positions, and the
// lookups with their durations.
type Trace struct {
	Entries []TraceEntry
	// Posts are the post steps run, in order, each with its exact URL and
	// JSON body, whether it was sent, answered by a given or failed: what
	// a flow test's `expect post` matches. String leaves them out (a body
	// may hold a secret); the entries show each post with its URL redacted.
	Posts []TracePost
}

// TracePost is a post step as it was run.
type TracePost struct {
	At   source.Span // the post step
	URL  string
	Body []byte // the JSON sent
}

// TraceEntry is one line of a trace.
type TraceEntry struct {
	Kind   string // rule, handler, step, lookup, note
	At     source.Span
	Text   string
	Result string
	Took   time.Duration
}

// String renders the trace, one entry a line.
func (t *Trace) String() string {
	var b strings.Builder
	for _, e := range t.Entries {
		fmt.Fprintf(&b, "%-22s %-7s %s", e.At, e.Kind, e.Text)
		if e.Result != "" {
			fmt.Fprintf(&b, " → %s", e.Result)
		}
		if e.Took > 0 {
			fmt.Fprintf(&b, " (%s)", e.Took.Round(time.Microsecond))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func (c *call) add(e TraceEntry) {
	if c.trace != nil {
		c.trace.Entries = append(c.trace.Entries, e)
	}
}

func (c *call) traceRule(r *ir.Rule, matched bool, how string) {
	if c.trace == nil {
		return
	}
	cond := "otherwise"
	if r.Cond != nil {
		cond = "when " + r.Cond.Src
	}
	res := fmt.Sprintf("%t", matched)
	if matched {
		res = "matched, handler " + r.Handler
	}
	if how != "" {
		res += " (" + how + ")"
	}
	c.add(TraceEntry{Kind: "rule", At: r.At, Text: cond, Result: res})
}

func (c *call) traceHandler(h *ir.Handler) {
	if c.trace != nil {
		c.add(TraceEntry{Kind: "handler", At: h.At, Text: h.Name})
	}
}

func (c *call) traceStep(in ir.Instr) {
	if c.trace == nil {
		return
	}
	name := strings.ToLower(strings.TrimPrefix(fmt.Sprintf("%T", in), "*ir."))
	c.add(TraceEntry{Kind: "step", At: in.Span(), Text: name})
}

// traceLookup records a lookup resolved with outcome (ok, given, timeout or
// error; see LookupEvent), result saying how (the cause of a failure).
func (c *call) traceLookup(l *ir.Lookup, outcome, cache, result string, took time.Duration) {
	if c.e.onLookup != nil {
		c.e.onLookup(LookupEvent{Flow: c.flow.Name, Lookup: l.Name, Outcome: outcome, Cache: cache, Took: took})
	}
	c.add(TraceEntry{Kind: "lookup", At: l.At, Text: l.Name, Result: result, Took: took})
}

// traceNote adds a note; callers that build its text check tracing first.
func (c *call) traceNote(at source.Span, text string) {
	c.add(TraceEntry{Kind: "note", At: at, Text: text})
}
