package check

import (
	"slices"
	"strings"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/internal/suggest"
	"github.com/callflow/callflow/lang/platform"
)

var recordOptions = map[string]optSpec{
	"max": {arg: argDuration}, "silence": {arg: argDuration}, "end": {arg: argString}, "beep": {arg: argNone},
}

// recordRules checks a record's values: durations above zero and an end
// key a caller can press.
func (c *checker) recordRules(s *ast.Record) {
	for _, o := range s.Options {
		if o.Body != nil || len(o.Args) == 0 {
			continue
		}
		switch a := o.Args[0].(type) {
		case *ast.Duration:
			c.positive(a, "record "+o.Name.Name)
		case *ast.Expr:
			if o.Name.Name == "end" && c.knownNow(a, "end values") {
				c.recordEnd(a)
			}
		}
	}
}

// recordEnd requires one key a caller can press.
func (c *checker) recordEnd(x *ast.Expr) {
	if k, ok := c.info.Values[x].(string); ok && (len(k) != 1 || !strings.Contains(keys, k)) {
		c.report(diag.Errorf(diag.BadDuration, x.At, "end %q is not one key", k).
			Do("Write one of 0-9, * or #, such as `end \"#\"`."))
	}
}

// positive reports a duration of zero where one must pass.
func (c *checker) positive(d *ast.Duration, what string) {
	if d != nil && d.Millis == 0 {
		c.report(diag.Errorf(diag.BadDuration, d.At, "%s of 0 does nothing", what).
			Do("Write a duration above zero, such as 1s, or remove it."))
	}
}

// dialRules checks a makeCall's durations and outcome blocks: each a known
// outcome, given once.
func (c *checker) dialRules(s *ast.MakeCall) {
	c.positive(s.Timeout, "makeCall timeout")
	c.positive(s.Limit, "makeCall limit")
	if s.Outcomes == nil {
		return
	}
	names := dialOutcomeNames()
	seen := map[string]*ast.Outcome{}
	for _, o := range s.Outcomes.Outcomes {
		name := o.Name.Name
		if !slices.Contains(names, name) {
			c.report(diag.Errorf(diag.UnknownOutcome, o.Name.At, "a makeCall has no outcome %q", name).
				Do("Write `on busy`, `on noanswer`, `on failed` or `on completed`.").
				Maybe(suggest.Nearest(name, names)))
			continue
		}
		if first, dup := seen[name]; dup {
			c.report(diag.Errorf(diag.DuplicateOption, o.Name.At, "on %s is given twice", name).
				Do("Keep one on %s block.", name).Also(first.Name.At, "first given here"))
		}
		seen[name] = o
	}
}

// dialEnds reports whether a makeCall ends its handler: always without
// outcome blocks; with them, only when every outcome has a block that ends.
func dialEnds(s *ast.MakeCall) bool {
	if s.Outcomes == nil {
		return true
	}
	for _, want := range platform.DialOutcomes() {
		i := slices.IndexFunc(s.Outcomes.Outcomes, func(o *ast.Outcome) bool { return o.Name.Name == string(want) })
		if i < 0 || !blockEnds(s.Outcomes.Outcomes[i].Body) {
			return false
		}
	}
	return true
}

// suspends reports whether a step waits for the call: a capture for keys,
// a record for the recording, a makeCall with outcomes for the bridged call.
func suspends(s ast.Step) bool {
	switch s := s.(type) {
	case *ast.Capture, *ast.Record:
		return true
	case *ast.MakeCall:
		return s.Outcomes != nil
	}
	return false
}

// testDial checks a test's `dial OUTCOME`: one of the makeCall outcomes.
func (c *checker) testDial(s *ast.Dial) {
	names := dialOutcomeNames()
	if !slices.Contains(names, s.Outcome.Name) {
		c.report(diag.Errorf(diag.UnknownOutcome, s.Outcome.At, "a bridged call has no outcome %q", s.Outcome.Name).
			Do("Write `dial busy`, `dial noanswer`, `dial failed` or `dial completed`.").
			Maybe(suggest.Nearest(s.Outcome.Name, names)))
	}
}

// dialOutcomeNames are the outcome names of a makeCall, as written.
func dialOutcomeNames() []string {
	names := make([]string, 0, 4)
	for _, o := range platform.DialOutcomes() {
		names = append(names, string(o))
	}
	return names
}
