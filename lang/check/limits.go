package check

import (
	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/platform"
)

func (c *checker) captureLimits(p *platform.Platform, s *ast.Capture) {
	l := p.Limits
	if o := findOption(s.Options, "prompt"); o != nil && len(o.Args) > 0 {
		if x, ok := o.Args[0].(*ast.Expr); ok {
			c.text(p, x, "the prompt")
		}
	}
	for _, name := range []string{"success", "failure"} {
		if o := findOption(s.Options, name); o != nil && len(o.Args) > 0 {
			if x, ok := o.Args[0].(*ast.Expr); ok {
				c.text(p, x, name)
			}
		}
	}
	c.voice(p, s, optionExpr(s.Options, "voice"))
	c.speed(p, optionExpr(s.Options, "speed"))
	if o := findOption(s.Options, "digits"); o != nil && len(o.Args) > 0 && l.Digits != [2]int{} {
		lo, hi, ok := c.digits(o.Args[0])
		if ok && (lo < l.Digits[0] || hi > l.Digits[1]) {
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
	if p.Limits.NeedsContact && findOption(s.Options, "contact") == nil && findOption(s.Options, "contacts") == nil {
		c.limitError(p, s, "a campaign needs at least one contact").
			Do("Add `contact NUMBER { … }` or `contacts LIST`.")
	}
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
