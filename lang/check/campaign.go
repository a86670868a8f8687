package check

import (
	"time"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/exprs"
)

// campaignRules checks what a campaign means on every platform, for values
// known now: a script id, counts and intervals that say what they mean (a
// batch of 0 calls, or batches 0s apart, would be dropped for the
// platform's defaults), a send time, and contacts with a phone.
func (c *checker) campaignRules(s *ast.Campaign) {
	if x := optionExpr(s.Options, "script"); x != nil {
		if v, ok := c.info.Values[x].(string); ok && v == "" {
			c.report(diag.Errorf(diag.MissingOption, x.At, "script is empty").
				Do("Give the id of the bot script to run, from the platform's script list."))
		}
	}
	c.count(s.Options, "retry", 0, "a number of retries, 0 for none")
	c.count(s.Options, "batch", 1, "calls per batch, at least 1")
	if o := findOption(s.Options, "batch"); o != nil && o.Every != nil && o.Every.Millis == 0 {
		c.report(diag.Errorf(diag.BadDuration, o.Every.At, "batches %s apart: the interval must be more than 0", o.Every.Text).
			Do("Write the time between batches, such as `every 30s`."))
	}
	c.sendTime(optionExpr(s.Options, "at"))
	for _, o := range s.Options {
		switch o.Name.Name {
		case "contact":
			if len(o.Args) > 0 {
				if x, ok := o.Args[0].(*ast.Expr); ok {
					if v, ok := c.info.Values[x].(string); ok && v == "" {
						c.report(diag.Errorf(diag.MissingOption, x.At, "contact has no phone number").
							Do("Write the number to call, such as `contact caller`."))
					}
				}
			}
		case "contacts":
			c.contactList(o)
		}
	}
}

// count checks a count option known now against its least value.
func (c *checker) count(opts []*ast.Option, name string, least int, what string) {
	x := optionExpr(opts, name)
	if n, ok := c.info.Values[x].(int); ok && n < least {
		c.report(diag.Errorf(diag.BadDuration, x.At, "%s %d is less than %d", name, n, least).
			Do("%s takes %s.", name, what))
	}
}

// sendTime checks an `at` known now: a time, or a string in RFC 3339.
func (c *checker) sendTime(x *ast.Expr) {
	v, ok := c.info.Values[x]
	if !ok {
		return
	}
	var t time.Time
	switch v := v.(type) {
	case time.Time:
		t = v
	case string:
		var err error
		if t, err = time.Parse(time.RFC3339, v); err != nil {
			c.report(diag.Errorf(diag.TypeMismatch, x.At, "at %q is not a time", v).
				Do("Write the time in RFC 3339 form, such as \"2026-11-23T10:00:00+07:00\", or compute it from now."))
			return
		}
	default:
		c.report(diag.Errorf(diag.TypeMismatch, x.At, "at must be a time, but this is %s", valueKind(v)).
			Do("Write the time in RFC 3339 form, such as \"2026-11-23T10:00:00+07:00\", or compute it from now."))
		return
	}
	if t.IsZero() {
		c.report(diag.Errorf(diag.TypeMismatch, x.At, "at is the zero time").
			Do("Write the time the campaign should start, or leave at out to start now."))
	}
}

// contactList checks a `contacts` list known now: each item a map with a
// phone.
func (c *checker) contactList(o *ast.Option) {
	if len(o.Args) == 0 {
		return
	}
	x, _ := o.Args[0].(*ast.Expr)
	list, ok := c.info.Values[x].([]any)
	if !ok {
		return
	}
	for i, item := range list {
		m, ok := item.(map[string]any)
		if !ok {
			c.report(diag.Errorf(diag.TypeMismatch, x.At, "contacts item %d must be a map with a phone, but this is %s", i+1, valueKind(item)).
				Do("Write each contact as {phone: \"0988888888\", email: …, code: …, vars: {…}}."))
			continue
		}
		if exprs.Text(m["phone"]) == "" { // the phone is sent as text
			c.report(diag.Errorf(diag.MissingOption, x.At, "contacts item %d has no phone number", i+1).
				Do("Give every contact a phone: {phone: \"0988888888\", …}."))
		}
	}
}

// valueKind names a value's type for messages.
func valueKind(v any) string {
	switch v.(type) {
	case nil:
		return "nil"
	case string:
		return "a string"
	case bool:
		return "true or false"
	case int, int64:
		return "an integer"
	case float64:
		return "a decimal number"
	case map[string]any:
		return "a map"
	case []any:
		return "a list"
	case time.Time:
		return "a time"
	}
	return "another value"
}
