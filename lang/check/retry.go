package check

import (
	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/internal/suggest"
)

// outcomes are the ways a capture's tries can end that an on block may
// handle (language.md 8.1).
var outcomes = []string{"noinput", "nomatch"}

// messageOptions take one value per try: try n says the n-th, the last
// repeats.
var messageOptions = []string{"prompt", "noinput", "nomatch", "failure"}

// onBlock checks an `on OUTCOME { … }` inside the block of a step: only a
// capture has one, for a known outcome, once each.
func (c *checker) onBlock(o *ast.Option, block string, seen map[string]*ast.Option) {
	if block != "capture" {
		c.report(diag.Errorf(diag.OnOutsideCapture, o.Name.At, "%s has no on blocks", block).
			Do("Only a capture has `on noinput { … }` and `on nomatch { … }`; move the steps after the %s.", block))
		return
	}
	name := o.Outcome.Name
	known := false
	for _, k := range outcomes {
		known = known || k == name
	}
	if !known {
		c.report(diag.Errorf(diag.UnknownOutcome, o.Outcome.At, "a capture has no outcome %q", name).
			Do("Write `on noinput { … }` (nothing entered) or `on nomatch { … }` (a wrong entry).").
			Maybe(suggest.Nearest(name, outcomes)))
		return
	}
	key := "on " + name
	if first, dup := seen[key]; dup {
		c.report(diag.Errorf(diag.DuplicateOption, o.Outcome.At, "on %s is given twice", name).
			Do("Keep one on %s block.", name).Also(first.Outcome.At, "first given here"))
	}
	seen[key] = o
}

// onStep reports an on block written as a step of its own.
func (c *checker) onStep(s *ast.On) {
	c.report(diag.Errorf(diag.OnOutsideCapture, s.At, "on %s is outside a capture", s.Outcome.Name).
		Do("Move the block inside the braces of the capture whose tries it follows."))
}

// messageValues warns about message values for tries the capture never
// makes: with tries 2, a third prompt is never said.
func (c *checker) messageValues(s *ast.Capture) {
	tries := 1
	if x := optionExpr(s.Options, "tries"); x != nil {
		n, ok := c.info.Values[x].(int)
		if !ok || n < 1 {
			return // reported elsewhere
		}
		tries = n
	}
	for _, name := range messageOptions {
		o := findOption(s.Options, name)
		if o == nil || len(o.Args) <= tries {
			continue
		}
		c.report(diag.Warningf(diag.UnusedValue, o.Args[tries].Span(), "%s has %d values but the capture makes %d %s", name, len(o.Args), tries, plural(tries, "try", "tries")).
			Do("Remove the values after the %s, or raise tries to %d.", ordinalWord(tries), len(o.Args)))
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func ordinalWord(n int) string {
	switch n {
	case 1:
		return "first"
	case 2:
		return "second"
	case 3:
		return "third"
	}
	return "last used"
}
