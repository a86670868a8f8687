package check

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/platform"
)

func (c *checker) captureLimits(p *platform.Platform, s *ast.Capture) {
	l := p.Limits
	for _, name := range []string{"prompt", "success", "failure", "noinput", "nomatch"} {
		o := findOption(s.Options, name)
		if o == nil {
			continue
		}
		for _, a := range o.Args { // every value: try n says the n-th
			if audio, ok := a.(*ast.Audio); ok { // prompt play URL
				c.playURL(p, audio.URL)
			}
			if x, ok := a.(*ast.Expr); ok && name == "prompt" {
				c.text(p, x, "the prompt")
				c.nonEmpty(p, x, "the prompt")
			} else if ok {
				c.text(p, x, name)
			}
		}
	}
	c.voice(p, s, optionExpr(s.Options, "voice"))
	c.speed(p, optionExpr(s.Options, "speed"))
	c.endKey(p, optionExpr(s.Options, "end"))
	c.durationRange(p, durationOpt(s.Options, "timeout"), "timeout", l.Timeout)
	c.durationRange(p, durationOpt(s.Options, "digit_timeout"), "digit_timeout", l.DigitTimeout)
	if o := findOption(s.Options, "digits"); o != nil && len(o.Args) > 0 && l.Digits != [2]int{} {
		lo, hi, ok := c.digits(o.Args[0])
		if ok && hi >= 1 && (lo < l.Digits[0] || hi > l.Digits[1]) { // none at all is captureRules' error
			c.limitError(p, o.Args[0], "digits %d..%d is outside %d..%d", lo, hi, l.Digits[0], l.Digits[1]).
				Do("Collect from %d to %d digits.", l.Digits[0], l.Digits[1])
		}
	}
	timeout, digit := durationOpt(s.Options, "timeout"), durationOpt(s.Options, "digit_timeout")
	if digit != nil && timeout != nil && digit.Millis >= timeout.Millis {
		c.limitError(p, digit, "digit_timeout %s must be less than timeout %s", digit.Text, timeout.Text).
			Do("Make digit_timeout shorter than the whole entry's timeout.")
	}
	if digit != nil && timeout == nil {
		c.limitError(p, digit, "digit_timeout needs a timeout").Do("Add `timeout D`, longer than digit_timeout.")
	}
}

// endKey checks a capture's end key against the keys the platform can end
// entry on.
func (c *checker) endKey(p *platform.Platform, x *ast.Expr) {
	keys := p.Limits.EndKeys
	if v, ok := c.info.Values[x].(string); ok && len(keys) > 0 && !slices.Contains(keys, v) {
		c.limitError(p, x, "end key %q is not supported: entry can end only on %s", v, quoted(keys)).
			Do("Write `end %q`, or leave end out so entry ends after digits' most keys.", keys[0])
	}
}

// durationRange checks a duration against a platform's range, whose zero
// bounds are open.
func (c *checker) durationRange(p *platform.Platform, d *ast.Duration, name string, r [2]time.Duration) {
	if d == nil || d.Millis < 0 {
		return // absent, or too long: the parser reported it
	}
	v := time.Duration(d.Millis) * time.Millisecond
	switch {
	case r[0] > 0 && v < r[0]:
		c.limitError(p, d, "%s %s is shorter than %v", name, d.Text, r[0]).
			Do("Give %s at least %v.", name, r[0])
	case r[1] > 0 && v > r[1]:
		c.limitError(p, d, "%s %s is longer than %v", name, d.Text, r[1]).
			Do("Give %s at most %v.", name, r[1])
	}
}

func quoted(ss []string) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(out, " or ")
}

func (c *checker) digits(a ast.Arg) (lo, hi int, ok bool) {
	switch a := a.(type) {
	case *ast.Range:
		return a.Min, a.Max, true
	case *ast.Expr:
		n, ok := c.info.Values[a].(int)
		return n, n, ok
	}
	return 0, 0, false
}

func (c *checker) campaignLimits(p *platform.Platform, s *ast.Campaign) {
	c.voice(p, s, optionExpr(s.Options, "voice"))
	c.speed(p, optionExpr(s.Options, "speed"))
	if p.Limits.NeedsContact && !c.mayHaveContacts(s) {
		c.limitError(p, s, "a campaign needs at least one contact").
			Do("Add `contact NUMBER { … }` or `contacts LIST`.")
	}
}

// mayHaveContacts reports whether a campaign can have a contact: a contact
// option, or a contacts list not known now to be empty.
func (c *checker) mayHaveContacts(s *ast.Campaign) bool {
	for _, o := range s.Options {
		switch o.Name.Name {
		case "contact":
			return true
		case "contacts":
			var x *ast.Expr
			if len(o.Args) > 0 {
				x, _ = o.Args[0].(*ast.Expr)
			}
			if list, known := c.info.Values[x].([]any); !known || len(list) > 0 {
				return true
			}
		}
	}
	return false
}

func optionExpr(opts []*ast.Option, name string) *ast.Expr {
	if o := findOption(opts, name); o != nil && len(o.Args) > 0 {
		x, _ := o.Args[0].(*ast.Expr)
		return x
	}
	return nil
}

func durationOpt(opts []*ast.Option, name string) *ast.Duration {
	if o := findOption(opts, name); o != nil && len(o.Args) > 0 {
		d, _ := o.Args[0].(*ast.Duration)
		return d
	}
	return nil
}
