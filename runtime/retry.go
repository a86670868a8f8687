package runtime

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/callflow/callflow/lang/ir"
	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/runtime/platform"
)

// outcome is how one try of a capture ended (language.md 8.1).
type outcome uint8

const (
	valid   outcome = iota
	noInput         // nothing entered before the timeout
	noMatch         // a wrong length, or not in accept
)

// ownLoop reports whether the platform's own retry loop makes every try of
// in (lang/platform declares what each loop can do).
func (c *call) ownLoop(in *ir.Capture) bool {
	p, ok := lplatform.Lookup(c.ev.Platform)
	return ok && p.Retry.Covers(in.Needs)
}

// answered continues a call whose capture the caller answered: the entry
// is stored and the handler goes on, or a failed try is followed by its
// message and the next try, or, with the tries spent, by the on block of
// the outcome (else the next step with the variable "").
func (c *call) answered(in *ir.Capture) error {
	own := c.ownLoop(in)
	accept, err := c.acceptList(in)
	if err != nil {
		return err
	}
	value, out := c.judge(in, accept)
	if out == valid {
		if !own { // the platform cannot know the entry was good
			if err := c.sayMessage(in, in.Success); err != nil {
				return err
			}
		}
		c.traceEntry(in, value)
		c.setVar(in.Var, detach(c.ev.Body, value)) // before it is boxed: setVar's own copy would box it again
		return c.run(c.sess.Handler, c.sess.PC+1)
	}
	try := max(c.sess.Try, 1)
	if own {
		try = in.Tries // the platform spent them, saying its failure message
	} else if err := c.sayMessage(in, failureMessage(in, out, try)); err != nil {
		return err
	}
	if try < in.Tries {
		return c.capture(in, c.sess.PC, try+1)
	}
	c.traceEntry(in, "")
	c.setVar(in.Var, "")
	next := c.sess.PC + 1
	switch {
	case out == noInput && in.OnNoInput >= 0:
		next = in.OnNoInput
	case out == noMatch && in.OnNoMatch >= 0:
		next = in.OnNoMatch
	}
	return c.run(c.sess.Handler, next)
}

// judge classifies the webhook's entry for in: nil or nothing is no input;
// a length outside digits or a value not in accept (acceptList) is no
// match. The end key is not part of the entry.
func (c *call) judge(in *ir.Capture, accept []string) (string, outcome) {
	if c.ev.Digits == nil || *c.ev.Digits == "" {
		c.traceOutcome(in, "no input")
		return "", noInput
	}
	d := *c.ev.Digits
	if in.End != "" {
		d = strings.TrimSuffix(d, in.End)
	}
	if n := utf8.RuneCountInString(d); n < in.MinDigits || n > in.MaxDigits {
		c.traceRefused(in, d, "has the wrong length")
		return "", noMatch
	}
	if len(accept) > 0 && !slices.Contains(accept, d) {
		c.traceRefused(in, d, "is not accepted")
		return "", noMatch
	}
	return d, valid
}

// failureMessage is what is said after try n ended with out: noinput or
// nomatch's n-th value, else failure's.
func failureMessage(in *ir.Capture, out outcome, n int) *ir.Expr {
	per := in.NoInput
	if out == noMatch {
		per = in.NoMatch
	}
	if len(per) == 0 {
		per = in.Failures
	}
	return ir.Nth(per, n)
}

// sayMessage says a capture's message, if it has one that is not empty.
func (c *call) sayMessage(in *ir.Capture, x *ir.Expr) error {
	if x == nil {
		return nil
	}
	text, err := c.evalText(x)
	if err != nil || text == "" {
		return err
	}
	voice, speed, err := c.voice(in.Voice, in.Speed)
	if err != nil {
		return err
	}
	c.emit(in, platform.Say{Text: text, Voice: voice, Speed: speed})
	return nil
}

func (c *call) traceEntry(in *ir.Capture, value string) {
	if c.trace != nil {
		c.traceNote(in.At, "capture "+in.Var+" = "+quote(value))
	}
}

func (c *call) traceOutcome(in *ir.Capture, what string) {
	if c.trace != nil {
		c.traceNote(in.At, what)
	}
}

// traceRefused notes an entry judge refused, why. The note is built only
// when tracing: quoting the entry for nobody cost two allocations a wrong
// key press.
func (c *call) traceRefused(in *ir.Capture, entry, why string) {
	if c.trace != nil {
		c.traceNote(in.At, "entry "+quote(entry)+" "+why)
	}
}
