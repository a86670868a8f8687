package check

import (
	"math"
	"reflect"
	"strconv"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/exprs"
)

// caseTypes warns about case values of another type than the switch value,
// by the value's expr-lang type. A switch compares numbers by value and
// anything else as text (the digits "1" equal the case 1), unlike ==, which
// rejects mixed types: a case of another type either never matches or
// matches only as text, and both read as a mistake.
func (c *checker) caseTypes(s *ast.Switch) {
	cx := c.info.Exprs[s.Value]
	if cx == nil || cx.Type == nil {
		return
	}
	t := cx.Type
	name := s.Value.Text
	if len(name) > 24 {
		name = "the switch value"
	}
	for _, cs := range s.Cases {
		for _, v := range cs.Values {
			val, ok := c.info.Values[v]
			if !ok || val == nil || sameKind(t, val) {
				continue
			}
			if canEqual(t, val) {
				c.report(diag.Warningf(diag.CaseType, v.At, "case %s is %s, but %s is %s: it matches only as text", v.Text, valueKind(val), name, typeName(t)).
					Do("Write the case as %s, so it reads as what it matches.", literalOf(t, val)))
				continue
			}
			c.report(diag.Warningf(diag.CaseType, v.At, "case %s never matches: %s is %s", v.Text, name, typeName(t)).
				Do("Write case values of the switch value's type, or convert the value with string(…) or int(…)."))
		}
	}
}

// sameKind reports whether a case value has the switch value's type, numbers
// counting as one type (a switch compares them by value).
func sameKind(t reflect.Type, v any) bool {
	switch v := v.(type) {
	case string:
		return t.Kind() == reflect.String
	case bool:
		return t.Kind() == reflect.Bool
	case float64:
		if isInt(t.Kind()) {
			return v == math.Trunc(v) // 1.5 never equals an integer
		}
		return t.Kind() == reflect.Float64 || t.Kind() == reflect.Float32
	case int, int64:
		return isInt(t.Kind()) || t.Kind() == reflect.Float64 || t.Kind() == reflect.Float32
	}
	return true // lists, maps, times: not judged
}

// canEqual reports whether some value of type t equals v at run time, where
// values of different types are compared as text.
func canEqual(t reflect.Type, v any) bool {
	text := exprs.Text(v)
	switch {
	case t.Kind() == reflect.String:
		return true // the string that reads as v
	case t.Kind() == reflect.Bool:
		return text == "true" || text == "false"
	case isInt(t.Kind()):
		n, err := strconv.ParseInt(text, 10, 64)
		return err == nil && exprs.Text(n) == text
	case t.Kind() == reflect.Float64 || t.Kind() == reflect.Float32:
		f, err := strconv.ParseFloat(text, 64)
		return err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) && exprs.Text(f) == text
	}
	return true
}

// literalOf writes v as a literal of t's kind: "1" for a string, 1 for a
// number.
func literalOf(t reflect.Type, v any) string {
	if t.Kind() == reflect.String {
		return strconv.Quote(exprs.Text(v))
	}
	return exprs.Text(v)
}
