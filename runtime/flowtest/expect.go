package flowtest

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/exprs"
	"github.com/callflow/callflow/runtime/platform"
)

func (t *tester) expect(s *ast.Expect) *Failure {
	kind := s.Kind.Name
	fail := failAt(s.At)
	if t.last == nil {
		return fail("expect %s: no call has been made yet: write a call first", kind)
	}
	switch kind {
	case "var":
		return t.expectVar(s)
	case "json":
		return t.expectJSON(s)
	case "post":
		return t.expectPost(s)
	case "no": // expect no post: the checker allows no other
		return t.expectNoPost(s)
	case "nothing":
		if acts := t.actions(); len(acts) > 0 {
			return fail("expected nothing, got %s", describeActions(acts, t.captureVar()))
		}
		return nil
	}
	match, want, err := t.matcher(s)
	if err != nil {
		return fail("expect %s: %v", kind, err)
	}
	acts := t.actions()
	t.why = ""
	for i := t.matched; i < len(acts); i++ {
		if match(acts[i]) {
			t.matched, t.prev = i+1, describeAction(acts[i], t.captureVar())
			return nil
		}
	}
	msg := "expected " + want
	if t.prev != "" {
		msg += " after " + t.prev
	}
	msg += ", got " + describeActions(acts, t.captureVar())
	if t.why != "" {
		msg += " (" + t.why + ")"
	}
	return fail("%s", msg)
}

// matcher returns what matches the expected step, and the step as text.
func (t *tester) matcher(s *ast.Expect) (func(platform.Action) bool, string, error) {
	kind := s.Kind.Name
	arg := func(i int) (any, error) {
		if i >= len(s.Args) {
			return nil, nil
		}
		return t.env.eval(s.Args[i])
	}
	textArg := func() (string, bool, error) {
		if len(s.Args) == 0 {
			return "", false, nil
		}
		v, err := arg(0)
		return exprs.Text(v), true, err
	}
	switch kind {
	case "campaign":
		return t.campaignMatcher(s)
	case "say", "play":
		want, ok, err := textArg()
		if err != nil {
			return nil, "", err
		}
		desc := kind
		if ok {
			desc += " " + strconv.Quote(want)
		}
		return func(a platform.Action) bool {
			var got string
			switch a := a.(type) {
			case platform.Say:
				if kind != "say" {
					return false
				}
				got = a.Text
			case platform.Play:
				if kind != "play" {
					return false
				}
				got = a.URL
			default:
				return false
			}
			return !ok || got == want
		}, desc, nil
	case "capture":
		want := ""
		if len(s.Args) > 0 {
			want = s.Args[0].Text // a variable's name, not a value
		}
		desc := strings.TrimSpace("capture " + want)
		return func(a platform.Action) bool {
			_, ok := a.(platform.Capture)
			return ok && (want == "" || t.captureVar() == want)
		}, desc, nil
	case "makeCall":
		number, ok, err := textArg()
		if err != nil {
			return nil, "", err
		}
		desc := "makeCall"
		if ok {
			desc += " " + strconv.Quote(number)
		}
		from, hasFrom := "", s.From != nil
		if hasFrom {
			if from, err = t.env.text(s.From); err != nil {
				return nil, "", err
			}
			desc += " from " + strconv.Quote(from)
		}
		if s.Record {
			desc += " record"
		}
		return func(a platform.Action) bool {
			m, is := a.(platform.MakeCall)
			return is && (!ok || m.Number == number) && (!hasFrom || m.From == from) && (!s.Record || m.Record)
		}, desc, nil
	case "agent", "ivr":
		want, err := arg(0)
		if err != nil {
			return nil, "", err
		}
		desc := kind
		if len(s.Args) > 0 {
			desc += " " + formatValue(want)
		}
		return func(a platform.Action) bool {
			var id int64
			switch a := a.(type) {
			case platform.Agent:
				if kind != "agent" {
					return false
				}
				id = a.ID
			case platform.IVR:
				if kind != "ivr" {
					return false
				}
				id = a.ID
			default:
				return false
			}
			return len(s.Args) == 0 || equal(id, want)
		}, desc, nil
	case "hangup":
		return func(a platform.Action) bool { _, ok := a.(platform.Hangup); return ok }, "hangup", nil
	case "pause":
		return func(a platform.Action) bool { _, ok := a.(platform.Pause); return ok }, "pause", nil
	case "record":
		return t.recordMatcher(s)
	case "keep":
		return func(a platform.Action) bool { _, ok := a.(platform.KeepBound); return ok }, "keep", nil
	case "callback":
		type leg struct {
			name     string
			to, from string
			hasFrom  bool
		}
		var legs []leg
		desc := "callback"
		for _, l := range s.Legs {
			to, err := t.env.text(l.To)
			if err != nil {
				return nil, "", err
			}
			lg := leg{name: l.Name.Name, to: to}
			desc += fmt.Sprintf(" leg %s to %q", lg.name, to)
			if l.From != nil {
				if lg.from, err = t.env.text(l.From); err != nil {
					return nil, "", err
				}
				lg.hasFrom = true
				desc += fmt.Sprintf(" from %q", lg.from)
			}
			legs = append(legs, lg)
		}
		return func(a platform.Action) bool {
			cb, ok := a.(platform.Callback)
			if !ok {
				return false
			}
			for _, l := range legs {
				got := cb.A
				if l.name == "B" {
					got = cb.B
				}
				switch {
				case got.To != l.to:
					t.why = fmt.Sprintf("leg %s to: want %q, got %q", l.name, l.to, got.To)
					return false
				case l.hasFrom && got.From != l.from:
					t.why = fmt.Sprintf("leg %s from: want %q, got %q", l.name, l.from, got.From)
					return false
				}
			}
			return true
		}, desc, nil
	}
	return nil, "", fmt.Errorf("cannot expect %q", kind)
}

func (t *tester) expectVar(s *ast.Expect) *Failure {
	name := s.Var.Name
	var x *ast.Expr
	if len(s.Args) > 0 {
		x = s.Args[0]
	}
	want, err := t.env.eval(x)
	if err != nil {
		return &Failure{At: s.At, Msg: fmt.Sprintf("expect var %s: %v", name, err)}
	}
	desc := fmt.Sprintf("var %s == %s", name, formatValue(want))
	var vars map[string]any
	if t.last.Session != nil {
		vars = t.last.Session.Vars
	}
	got, ok := vars[name]
	if !ok {
		return &Failure{At: s.At, Msg: fmt.Sprintf("expected %s, got no value: %s is not set", desc, name)}
	}
	if !equal(got, want) {
		return &Failure{At: s.At, Msg: fmt.Sprintf("expected %s, got %s", desc, formatValue(got))}
	}
	return nil
}

// describeActions lists actions compactly on one line; captureVar names
// the variable of a capture.
func describeActions(acts []platform.Action, captureVar string) string {
	parts := make([]string, len(acts))
	for i, a := range acts {
		parts[i] = describeAction(a, captureVar)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func describeAction(a platform.Action, captureVar string) string {
	switch a := a.(type) {
	case platform.Say:
		return "say " + strconv.Quote(a.Text)
	case platform.Play:
		return "play " + strconv.Quote(a.URL)
	case platform.Capture:
		return strings.TrimSpace("capture " + captureVar)
	case platform.MakeCall:
		s := "makeCall " + strconv.Quote(a.Number)
		if a.From != "" {
			s += " from " + strconv.Quote(a.From)
		}
		if a.Record {
			s += " record"
		}
		return s
	case platform.Agent:
		return "agent " + strconv.FormatInt(a.ID, 10)
	case platform.IVR:
		return "ivr " + strconv.FormatInt(a.ID, 10)
	case platform.Hangup:
		return "hangup"
	case platform.KeepBound:
		return "keep"
	case platform.Callback:
		return fmt.Sprintf("callback leg A to %q from %q leg B to %q from %q", a.A.To, a.A.From, a.B.To, a.B.From)
	case platform.Campaign:
		return "campaign " + strconv.Quote(a.Name)
	case platform.Pause:
		return "pause " + a.Length.String()
	case platform.Record:
		return "record"
	}
	return fmt.Sprintf("%T", a)
}

// formatValue prints a value as a test would write it.
func formatValue(v any) string {
	switch x := v.(type) {
	case string:
		return strconv.Quote(x)
	case nil:
		return "nil"
	case int, int64, float64, bool:
		return exprs.Text(x)
	}
	return compact(v)
}

// equal compares like the engine's switch: numbers by value, anything else
// as the text it says.
func equal(a, b any) bool {
	if x, ok := number(a); ok {
		if y, ok := number(b); ok {
			return x == y
		}
	}
	if isScalar(a) && isScalar(b) {
		return exprs.Text(a) == exprs.Text(b)
	}
	return reflect.DeepEqual(normalize(a), normalize(b))
}

func isScalar(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return false
	}
	return true
}

// normalize turns numbers into float64 throughout, so maps and lists
// compare by value.
func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalize(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	}
	if n, ok := number(v); ok {
		return n
	}
	return v
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int32:
		return float64(n), true
	case int64:
		return float64(n), true
	case float32:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}
