package runtime

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/ir"
	"github.com/callflow/callflow/runtime/platform"
)

// TestSessionVarIsTheBytecodes: an expression that is a variable's name
// evaluates, read from the session (shortcut), to what its bytecode
// evaluates to in the environment, for values of every kind a variable
// holds; a variable the session does not hold, and a value the bytecode's
// run refuses, are left to the bytecode.
func TestSessionVarIsTheBytecodes(t *testing.T) {
	src := "flow f\ntarget tencent\notherwise -> main\nhandler main {\n  set x = caller\n  set v = x\n  agent 1\n}\n"
	flow := compileF(t, src)
	x := flow.Handlers["main"].Code[1].(*ir.Set).Value
	if x.Short == nil || x.Short.Var != "x" {
		t.Fatalf("the expression x is not marked as the variable x: %+v", x)
	}
	bytecode := withoutShortcut(x)
	eng, err := New()
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	eval := func(x *ir.Expr, vars map[string]any) (any, error) {
		c := &call{e: eng, flow: flow, now: at, ev: &platform.Event{Platform: "tencent", Session: "s", Caller: "+8613800000000"},
			sess: &Session{Platform: "tencent", ID: "s", Vars: vars}}
		defer c.release()
		return c.eval(x)
	}
	huge := make([]any, 200_000)
	for i := range huge {
		huge[i] = strings.Repeat("x", 10)
	}
	for _, v := range []any{"a", "", 7, int64(1) << 60, 2.5, true, false, at, 90 * time.Second, nil,
		[]any{1, "a", []any{true}}, map[string]any{"k": "v", "n": 1.5}, huge} {
		vars := map[string]any{"x": v, "y": "other"}
		got, gotErr := eval(x, vars)
		want, wantErr := eval(bytecode, vars)
		if !reflect.DeepEqual(got, want) || (gotErr == nil) != (wantErr == nil) {
			t.Errorf("x = %T: read from the session %v (%v), by the bytecode %v (%v)", v, short(got), gotErr, short(want), wantErr)
		}
	}
	got, gotErr := eval(x, map[string]any{"y": "other"}) // x not set
	want, wantErr := eval(bytecode, map[string]any{"y": "other"})
	if !reflect.DeepEqual(got, want) || (gotErr == nil) != (wantErr == nil) {
		t.Errorf("x not set: %v (%v), by the bytecode %v (%v)", got, gotErr, want, wantErr)
	}
}

func short(v any) string {
	s := text(v)
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// TestTemplateIsTheBytecodes: a said text whose interpolations are each a
// variable's name, made from the session (exprs.Template), is what its
// bytecode makes, charging the webhook's budget the same, for values of
// every kind; a variable the session does not hold, and a budget the text
// would overrun, are left to the bytecode, which reports the overrun as it
// always has.
func TestTemplateIsTheBytecodes(t *testing.T) {
	src := "flow f\ntarget 8x8\nvoice \"en-US-ZiraRUS\"\notherwise -> main\nhandler main {\n" +
		"  set x = caller\n  set y = 2\n  say \"Order ${x} is ${ y }.\"\n  hangup\n}\n"
	flow := compileF(t, src)
	x := flow.Handlers["main"].Code[2].(*ir.Say).Text
	if x.Short == nil || x.Short.Template == nil {
		t.Fatalf("the text is not marked as a template: %+v", x)
	}
	bytecode := withoutShortcut(x)
	eng, err := New()
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	type outcome struct {
		v    any
		err  string
		used int
	}
	eval := func(x *ir.Expr, vars map[string]any, spent int) outcome {
		c := &call{e: eng, flow: flow, now: at, ev: &platform.Event{Platform: "8x8", Session: "s", Caller: "+6591234567"},
			sess: &Session{Platform: "8x8", ID: "s", Vars: vars}}
		defer c.release()
		for ; spent > 0; spent -= 1_000_000 {
			if err := c.mem.Keep(strings.Repeat("k", min(spent, 1_000_000))); err != nil {
				t.Fatal(err)
			}
		}
		v, err := c.eval(x)
		o := outcome{v: v, used: c.mem.Used()}
		if err != nil {
			o.err = err.Error()
		}
		return o
	}
	list := make([]any, 50_000)
	for i := range list {
		list[i] = "item"
	}
	values := []any{"a", "", 7, int64(1) << 60, 2.5, 1e21, true, at, 90 * time.Second, nil,
		[]any{1, "a", []any{true}}, map[string]any{"k": "v", "n": 1.5}, list}
	overruns := 0
	// A fresh budget; one the list's text fits but not the whole (the
	// template has charged part of it when it is refused); one the list's
	// text overruns.
	for _, spent := range []int{0, 16<<20 - 700_000, 16<<20 - 200_000} {
		for _, xv := range values {
			for _, yv := range []any{2, "two", []any{"a", 2}} {
				vars := map[string]any{"x": xv, "y": yv}
				got, want := eval(x, vars, spent), eval(bytecode, vars, spent)
				if want.err != "" {
					overruns++
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("x = %T, y = %T, %d spent: from the session %v (%q, %d used), by the bytecode %v (%q, %d used)",
						xv, yv, spent, short(got.v), got.err, got.used, short(want.v), want.err, want.used)
				}
			}
		}
	}
	if overruns == 0 {
		t.Error("no text overran its budget")
	}
	vars := map[string]any{"y": 2} // x not set
	if got, want := eval(x, vars, 0), eval(bytecode, vars, 0); !reflect.DeepEqual(got, want) {
		t.Errorf("x not set: %+v, by the bytecode %+v", got, want)
	}
}

// TestOpenHoursIsTheBytecodes: open(office) and not open(office), asked of
// the schedule directly (ir.Shortcut.Hours), are what their bytecode's
// open(office, now) gives, at every half hour of two weeks around a
// holiday, in and out of office hours, in the schedule's zone and others.
func TestOpenHoursIsTheBytecodes(t *testing.T) {
	src := "flow f\ntarget 8x8\nvoice \"en-US-ZiraRUS\"\n" +
		"hours office \"Mon-Fri 09:00-18:00, Sat 10:00-12:30\" tz \"Asia/Singapore\" except \"2026-12-25\"\n" +
		"when open(office) -> main\nwhen not open(office) -> main\notherwise -> main\nhandler main {\n  hangup\n}\n"
	flow := compileF(t, src)
	eng, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range flow.Rules[:2] {
		x := r.Cond
		if x.Short == nil || x.Short.Hours == nil {
			t.Fatalf("%s is not marked as asking the hours", x.Src)
		}
		bytecode := withoutShortcut(x)
		opened := 0
		for at := time.Date(2026, 12, 18, 0, 0, 0, 0, time.UTC); at.Before(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)); at = at.Add(30 * time.Minute) {
			for _, now := range []time.Time{at, at.In(time.FixedZone("-05", -5*3600))} {
				eval := func(x *ir.Expr) (any, error) {
					c := &call{e: eng, flow: flow, now: now, ev: &platform.Event{Platform: "8x8", Session: "s"}, sess: &Session{Platform: "8x8", ID: "s"}}
					defer c.release()
					return c.eval(x)
				}
				got, gotErr := eval(x)
				want, wantErr := eval(bytecode)
				if got != want || gotErr != nil || wantErr != nil {
					t.Fatalf("%s at %v: asked %v (%v), by the bytecode %v (%v)", x.Src, now, got, gotErr, want, wantErr)
				}
				if got == true {
					opened++
				}
			}
		}
		if opened == 0 {
			t.Errorf("%s was never true", x.Src)
		}
	}
}

// FuzzTemplateIsTheBytecodes is TestTemplateIsTheBytecodes over texts and
// values the fuzzer chooses: the literal text around two names, written
// with the .flow language's escapes, and the variables' values.
func FuzzTemplateIsTheBytecodes(f *testing.F) {
	f.Add("Order ", " is on its way.", "", "12345#", int64(2))
	f.Add("", "\\ \"quoted\" $5 {} \t\u2028 ünï", "-", "${x}", int64(-1))
	f.Add("a\x00b", "\u00ff", "%", "\u00e9\U0001F600", int64(1)<<62)
	eng, err := New()
	if err != nil {
		f.Fatal(err)
	}
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, before, between, after, value string, n int64) {
		lits := []string{before, between, after}
		var say strings.Builder
		say.WriteByte('"')
		for i, lit := range lits {
			if !flowText(&say, lit) {
				t.Skip("not text a .flow literal holds")
			}
			if i < 2 {
				say.WriteString([]string{"${x}", "${ y }"}[i])
			}
		}
		say.WriteByte('"')
		src := "flow f\ntarget 8x8\nvoice \"en-US-ZiraRUS\"\notherwise -> main\nhandler main {\n" +
			"  set x = caller\n  set y = 2\n  say " + say.String() + "\n  hangup\n}\n"
		prog, ds := lang.CompileFile("f.flow", []byte(src))
		if ds.HasErrors() || prog == nil {
			t.Skip("does not compile")
		}
		flow := prog.Flow("f")
		x := flow.Handlers["main"].Code[2].(*ir.Say).Text
		if x.Short == nil || x.Short.Template == nil {
			t.Fatalf("%s is not marked as a template", say.String())
		}
		bytecode := withoutShortcut(x)
		for _, vars := range []map[string]any{{"x": value, "y": n}, {"x": n, "y": value}, {"x": value, "y": []any{value, n}}} {
			eval := func(x *ir.Expr) (any, string, int) {
				c := &call{e: eng, flow: flow, now: at, ev: &platform.Event{Platform: "8x8", Session: "s"}, sess: &Session{Platform: "8x8", ID: "s", Vars: vars}}
				defer c.release()
				v, err := c.eval(x)
				msg := ""
				if err != nil {
					msg = err.Error()
				}
				return v, msg, c.mem.Used()
			}
			got, gotErr, gotUsed := eval(x)
			want, wantErr, wantUsed := eval(bytecode)
			if got != want || gotErr != wantErr || gotUsed != wantUsed {
				t.Fatalf("%s with %v: from the session %q (%q, %d used), by the bytecode %q (%q, %d used)",
					say.String(), vars, got, gotErr, gotUsed, want, wantErr, wantUsed)
			}
		}
	})
}

// compileF compiles src, a flow named f.
func compileF(t *testing.T, src string) *ir.Flow {
	t.Helper()
	prog, ds := lang.CompileFile("f.flow", []byte(src))
	if ds.HasErrors() || prog == nil {
		t.Fatalf("does not compile: %v", ds)
	}
	return prog.Flow("f")
}

// withoutShortcut is x as the bytecode evaluates it.
func withoutShortcut(x *ir.Expr) *ir.Expr {
	b := *x
	b.Short = nil
	return &b
}

// flowText writes s into a .flow string literal, escaped; false when s is
// not valid UTF-8.
func flowText(b *strings.Builder, s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		switch {
		case r == '\\' || r == '"' || r == '$':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return true
}
