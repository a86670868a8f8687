package check

import (
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/diag"
)

// keys are what a caller can press; an entry holds nothing else.
const keys = "0123456789*#"

// DefaultMinDigits and DefaultMaxDigits are how many keys a capture takes
// when it says no digits; lang/compile gives captures the same.
const DefaultMinDigits, DefaultMaxDigits = 1, 25

// captureRules checks what a capture means on every platform: at least one
// try and one key, accept and end values known now (a computed value would
// be ignored), and accept values a caller can key within digits.
func (c *checker) captureRules(s *ast.Capture) {
	if x := optionExpr(s.Options, "tries"); x != nil {
		if n, ok := c.info.Values[x].(int); ok && n < 1 {
			c.report(diag.Errorf(diag.BadDuration, x.At, "tries %d: a capture needs at least 1 try", n).
				Do("Write `tries 1` or more: tries counts every attempt, the first included."))
		}
	}
	end := ""
	if o := findOption(s.Options, "end"); o != nil && len(o.Args) > 0 {
		if x, ok := o.Args[0].(*ast.Expr); ok {
			c.knownNow(x, "end values")
			end, _ = c.info.Values[x].(string)
		}
	}
	lo, hi := DefaultMinDigits, DefaultMaxDigits
	if o := findOption(s.Options, "digits"); o != nil && len(o.Args) > 0 {
		switch l, h, ok := c.digits(o.Args[0]); {
		case ok && h < 1:
			c.report(diag.Errorf(diag.BadDuration, o.Args[0].Span(), "digits %s: a capture collects at least 1 key", digitsText(l, h)).
				Do("Write `digits 1` or more, or a range such as `digits 4..10`."))
		case ok:
			lo, hi = l, h
		}
	}
	if o := findOption(s.Options, "accept"); o != nil {
		for _, a := range o.Args {
			x, ok := a.(*ast.Expr)
			if !ok || c.acceptsList(x) {
				continue // a list is checked when the entry comes
			}
			if c.knownNow(x, "accept values") {
				c.acceptable(x, lo, hi, end)
			}
		}
	}
}

// knownNow reports whether x has a value at compile time, and reports it
// when it compiled but has none: the value would be ignored at run time.
func (c *checker) knownNow(x *ast.Expr, what string) bool {
	if _, ok := c.info.Values[x]; ok {
		return true
	}
	if c.info.Exprs[x] != nil {
		c.report(diag.Errorf(diag.BadConst, x.At, "%s must be known when the flow compiles", what).
			Do("Write a literal or a const: %s cannot be computed from the call yet.", what))
	}
	return false
}

// acceptable warns about an accept value no entry can equal.
func (c *checker) acceptable(x *ast.Expr, lo, hi int, end string) {
	v, ok := c.info.Values[x].(string)
	if !ok {
		return
	}
	if i := strings.IndexFunc(v, func(r rune) bool { return !strings.ContainsRune(keys, r) }); i >= 0 {
		r, _ := utf8.DecodeRuneInString(v[i:])
		c.report(diag.Warningf(diag.NeverMatches, x.At, "accept %q never matches: %q is not a key", v, r).
			Do("A caller can press only 0-9, * and #; accept what the keypad can send."))
		return
	}
	if end != "" && strings.Contains(v, end) {
		c.report(diag.Warningf(diag.NeverMatches, x.At, "accept %q never matches: %q ends the entry and is not part of it", v, end).
			Do("Leave the end key out of accept values."))
		return
	}
	if n := len(v); n < lo || n > hi {
		c.report(diag.Warningf(diag.NeverMatches, x.At, "accept %q never matches: the entry is %s", v, keyCount(lo, hi)).
			Do("Make digits allow %d keys, or accept values of %s.", n, keyCount(lo, hi)))
	}
}

func keyCount(lo, hi int) string {
	switch {
	case lo == hi && lo == 1:
		return "1 key"
	case lo == hi:
		return fmt.Sprintf("%d keys", lo)
	}
	return fmt.Sprintf("%d to %d keys", lo, hi)
}

// acceptValue checks one accept value: a string, or a list of strings
// (computed from the call, or a const list). A value that can be neither
// is a type error, never ignored.
func (c *checker) acceptValue(x *ast.Expr) {
	cx := c.compile(x)
	if cx == nil || cx.Type == nil {
		return // known at run time: checked when the entry comes
	}
	switch {
	case fits(cx.Type, wantString):
	case cx.Type.Kind() == reflect.Slice || cx.Type.Kind() == reflect.Array:
		list, _ := c.info.Values[x].([]any)
		for _, v := range list {
			if _, ok := v.(string); !ok {
				c.report(diag.Errorf(diag.TypeMismatch, x.At, "accept lists strings, but this list holds %v", v).
					Do("Write keys as strings, such as [\"1\", \"2\"]."))
				return
			}
		}
	default:
		c.report(diag.Errorf(diag.TypeMismatch, x.At, "accept takes strings or a list of strings, but this is %s", typeName(cx.Type)).
			Do("Write accept \"1\", \"2\", or a list such as [\"1\", \"2\"]."))
	}
}

// acceptsList reports whether an accept value is a list (or only known at
// run time), not a string.
func (c *checker) acceptsList(x *ast.Expr) bool {
	cx := c.info.Exprs[x]
	return cx != nil && (cx.Type == nil || !fits(cx.Type, wantString))
}

// digitsText is a digits option's keys: "4", or "2..4" (a range whose
// ends are one number is that number).
func digitsText(lo, hi int) string {
	if lo == hi {
		return fmt.Sprint(lo)
	}
	return fmt.Sprintf("%d..%d", lo, hi)
}
