package parser_test

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/parser"
	"github.com/callflow/callflow/lang/source"
)

// shape compares trees without their spans; spans are checked one by one.
var shape = cmp.Options{
	cmpopts.IgnoreTypes(ast.Base{}, source.Span{}),
	cmpopts.IgnoreFields(ast.File{}, "Comments"),
	cmpopts.EquateEmpty(),
}

func parse(t *testing.T, src string) *ast.File {
	t.Helper()
	f, ds := parser.ParseFile("t.flow", []byte(src))
	if len(ds) > 0 || f == nil {
		t.Fatalf("parse failed:\n%s", ds)
	}
	return f
}

func id(name string) *ast.Ident { return &ast.Ident{Name: name} }
func x(text string) *ast.Expr   { return &ast.Expr{Text: text} }
func block(steps ...ast.Step) *ast.Block {
	return &ast.Block{Steps: steps}
}

// at is the span of the n-th (0-based) occurrence of sub in src, with the
// rune columns computed independently of package source.
func at(src, sub string, n int) source.Span {
	off := -1
	for i := 0; i <= n; i++ {
		j := strings.Index(src[off+1:], sub)
		if j < 0 {
			panic("no " + sub)
		}
		off += 1 + j
	}
	return spanAt(src, off, len(sub))
}

// spanAt is the span of the n bytes at off.
func spanAt(src string, off, n int) source.Span {
	pos := func(o int) source.Pos {
		line := 1 + strings.Count(src[:o], "\n")
		ls := strings.LastIndex(src[:o], "\n") + 1
		return source.Pos{Offset: o, Line: line, Col: 1 + len([]rune(src[ls:o]))}
	}
	return source.Span{File: "t.flow", Start: pos(off), End: pos(off + n)}
}

func TestOneLineBlocksAndSeparators(t *testing.T) {
	src := "flow one ; target 8x8 ; voice \"en-US-ZiraRUS\"\n" +
		"otherwise -> h\n" +
		"handler h { say \"a\"; hangup }\n" +
		"handler g { set x = 1 ; set y = x + 1; goto h }\n" +
		"handler e {}\n"
	f := parse(t, src)
	want := &ast.File{
		Name: "t.flow", Flow: id("one"), Version: 1,
		Decls: []ast.Decl{
			&ast.Target{Platforms: []*ast.Ident{id("8x8")}},
			&ast.Voice{Value: x(`"en-US-ZiraRUS"`)},
			&ast.Rule{Handler: id("h")},
			&ast.Handler{Name: id("h"), Body: block(&ast.Say{Text: x(`"a"`)}, &ast.Hangup{})},
			&ast.Handler{Name: id("g"), Body: block(
				&ast.Set{Var: id("x"), Value: x("1")},
				&ast.Set{Var: id("y"), Value: x("x + 1")},
				&ast.Goto{Handler: id("h")},
			)},
			&ast.Handler{Name: id("e"), Body: block()},
		},
	}
	if diff := cmp.Diff(want, f, shape); diff != "" {
		t.Errorf("tree (-want +got):\n%s", diff)
	}
	h := f.Decls[3].(*ast.Handler)
	for _, c := range []struct {
		name string
		got  source.Span
		want source.Span
	}{
		{"file", f.At, source.Span{File: "t.flow", Start: source.Pos{Offset: 0, Line: 1, Col: 1}, End: source.Pos{Offset: len(src), Line: 6, Col: 1}}},
		{"flow name", f.Flow.At, at(src, "one", 0)},
		{"8x8", f.Decls[0].(*ast.Target).Platforms[0].At, at(src, "8x8", 0)},
		{"voice keyword", f.Decls[1].Span(), at(src, "voice", 0)},
		{"handler keyword", h.At, at(src, "handler", 0)},
		{"block", h.Body.At, at(src, `{ say "a"; hangup }`, 0)},
		{"say keyword", h.Body.Steps[0].Span(), at(src, "say", 0)},
		{"say text", h.Body.Steps[0].(*ast.Say).Text.At, at(src, `"a"`, 0)},
		{"hangup", h.Body.Steps[1].Span(), at(src, "hangup", 0)},
		{"set value", f.Decls[4].(*ast.Handler).Body.Steps[1].(*ast.Set).Value.At, at(src, "x + 1", 0)},
		{"empty block", f.Decls[5].(*ast.Handler).Body.At, at(src, "{}", 0)},
	} {
		if diff := cmp.Diff(c.want, c.got); diff != "" {
			t.Errorf("%s span (-want +got):\n%s", c.name, diff)
		}
	}
}

func TestComments(t *testing.T) {
	src := `# leading comment
flow commented # after the flow line

# between declarations
const ids = {   # after an open brace
  # on a line of its own inside a map literal
  vip: 388,     # after an entry
  ivr: 12
}               # after the closing brace
handler h {     # after a block opens
  # inside a block
  agent ids.vip # after a step
  # before the closing brace
}
# at the end, without a newline`
	f := parse(t, src)
	want := &ast.File{
		Name: "t.flow", Flow: id("commented"), Version: 1,
		Decls: []ast.Decl{
			&ast.Const{Name: id("ids"), Value: x("{   # after an open brace\n  # on a line of its own inside a map literal\n  vip: 388,     # after an entry\n  ivr: 12\n}")},
			&ast.Handler{Name: id("h"), Body: block(&ast.Agent{ID: x("ids.vip")})},
		},
	}
	if diff := cmp.Diff(want, f, shape); diff != "" {
		t.Errorf("tree (-want +got):\n%s", diff)
	}
	var got []string
	for _, c := range f.Comments {
		if c.At != at(src, c.Text, 0) {
			t.Errorf("comment %q at %v, want %v", c.Text, c.At, at(src, c.Text, 0))
		}
		got = append(got, c.Text)
	}
	wantComments := []string{
		"# leading comment", "# after the flow line", "# between declarations", "# after an open brace",
		"# on a line of its own inside a map literal", "# after an entry", "# after the closing brace",
		"# after a block opens", "# inside a block", "# after a step", "# before the closing brace",
		"# at the end, without a newline",
	}
	if diff := cmp.Diff(wantComments, got); diff != "" {
		t.Errorf("comments (-want +got):\n%s", diff)
	}
	if got, want := f.Decls[0].(*ast.Const).Value.At, at(src, want.Decls[0].(*ast.Const).Value.Text, 0); got != want {
		t.Errorf("map literal at %v, want %v", got, want)
	}
}

func TestStringsDurationsRangesUTF8(t *testing.T) {
	src := `flow exam_results
target callbot, 8x8
voice "en-US-ZiraRUS"
lookup customer = get "https://crm.example.com/${caller}" timeout 1500ms else {vip: false}
otherwise -> notify

handler notify {
  say "Điểm: ${data["math"]} / ${string(data["max"] ?? "10")}" speed 0.9 repeat 2
  capture order_no {
    prompt        "Nhập mã đơn hàng, rồi bấm #."
    digits        4..10
    end           "#"
    timeout       20s
    digit_timeout 5s
    tries         2
  }
  campaign "Thông báo điểm thi" {
    script  "64915bc76a690c0edad14723"
    retry   2 every 10m
    batch   15 every 2h
    dedupe  session
    auto_pause
    contact national(caller) { email "${data.email}"; vars {"tên": data.name} }
  }
  hangup
}
`
	f := parse(t, src)
	opt := func(name string, args ...ast.Arg) *ast.Option { return &ast.Option{Name: id(name), Args: args} }
	dur := func(text string, ms int64) *ast.Duration { return &ast.Duration{Text: text, Millis: ms} }
	want := &ast.File{
		Name: "t.flow", Flow: id("exam_results"), Version: 1,
		Decls: []ast.Decl{
			&ast.Target{Platforms: []*ast.Ident{id("callbot"), id("8x8")}},
			&ast.Voice{Value: x(`"en-US-ZiraRUS"`)},
			&ast.Lookup{Name: id("customer"), URL: x(`"https://crm.example.com/${caller}"`), Timeout: dur("1500ms", 1500), Else: x("{vip: false}")},
			&ast.Rule{Handler: id("notify")},
			&ast.Handler{Name: id("notify"), Body: block(
				&ast.Say{Text: x(`"Điểm: ${data["math"]} / ${string(data["max"] ?? "10")}"`), Speed: x("0.9"), Repeat: x("2")},
				&ast.Capture{Var: id("order_no"), Options: []*ast.Option{
					opt("prompt", x(`"Nhập mã đơn hàng, rồi bấm #."`)),
					opt("digits", &ast.Range{Min: 4, Max: 10}),
					opt("end", x(`"#"`)),
					opt("timeout", dur("20s", 20_000)),
					opt("digit_timeout", dur("5s", 5_000)),
					opt("tries", x("2")),
				}},
				&ast.Campaign{Name: x(`"Thông báo điểm thi"`), Options: []*ast.Option{
					opt("script", x(`"64915bc76a690c0edad14723"`)),
					{Name: id("retry"), Args: []ast.Arg{x("2")}, Every: dur("10m", 600_000)},
					{Name: id("batch"), Args: []ast.Arg{x("15")}, Every: dur("2h", 7_200_000)},
					opt("dedupe", x("session")),
					opt("auto_pause"),
					{Name: id("contact"), Args: []ast.Arg{x("national(caller)")}, Block: []*ast.Option{
						opt("email", x(`"${data.email}"`)),
						opt("vars", x(`{"tên": data.name}`)),
					}},
				}},
				&ast.Hangup{},
			)},
		},
	}
	if diff := cmp.Diff(want, f, shape); diff != "" {
		t.Errorf("tree (-want +got):\n%s", diff)
	}
	steps := f.Decls[4].(*ast.Handler).Body.Steps
	capture := steps[1].(*ast.Capture)
	campaign := steps[2].(*ast.Campaign)
	for _, c := range []struct {
		name string
		got  source.Span
		want source.Span
	}{
		{"say text with nested strings", steps[0].(*ast.Say).Text.At, at(src, `"Điểm: ${data["math"]} / ${string(data["max"] ?? "10")}"`, 0)},
		{"speed after UTF-8 text", steps[0].(*ast.Say).Speed.At, at(src, "0.9", 0)},
		{"range", capture.Options[1].Args[0].Span(), at(src, "4..10", 0)},
		{"duration", capture.Options[3].Args[0].Span(), at(src, "20s", 0)},
		{"lookup timeout", f.Decls[2].(*ast.Lookup).Timeout.At, at(src, "1500ms", 0)},
		{"every", campaign.Options[1].Every.At, at(src, "10m", 0)},
		{"campaign name", campaign.Name.At, at(src, `"Thông báo điểm thi"`, 0)},
		{"contact close", campaign.Options[5].Close, spanAt(src, strings.Index(src, "data.name} }")+len("data.name} "), 1)},
		{"vars after UTF-8", campaign.Options[5].Block[1].Args[0].Span(), at(src, `{"tên": data.name}`, 0)},
	} {
		if diff := cmp.Diff(c.want, c.got); diff != "" {
			t.Errorf("%s span (-want +got):\n%s", c.name, diff)
		}
	}
	// The columns count runes: the `{` after the campaign's Vietnamese name.
	if got := campaign.Name.At.End.Col; got != 3+len("campaign ")+len([]rune(`"Thông báo điểm thi"`)) {
		t.Errorf("campaign name ends at rune column %d", got)
	}
}

func TestCallbackIfElseAndTests(t *testing.T) {
	src := `flow callme
target callback
const desk = "+6561112222"
when data.priority == "high" -> now
otherwise -> later

handler now {
  callback { leg A to caller from desk  leg B to desk from caller }
}

handler later {
  if data.a == 1 {
    callback {
      leg A to caller from desk
      leg B to desk   from caller
    }
  } else if data.a == 2 { goto now } else if (data == {}) {
  } else {
    set x = 1
  }
}

test "calls back" {
  call callback from "+6591234567" to "+6512345678" at "2026-11-23T10:00:00+08:00" data {priority: "high"}
  given desk = "+1"
  press "1#"
  expect callback leg A to "+6591234567" from "+6561112222"
  expect var x == 1
  expect makeCall "+1" from "+2" record
}

test "8x8" { call 8x8 from "+6591234567" to "+6512345678"; expect hangup }
`
	f := parse(t, src)
	leg := func(name, to, from string) *ast.Leg { return &ast.Leg{Name: id(name), To: x(to), From: x(from)} }
	want := &ast.File{
		Name: "t.flow", Flow: id("callme"), Version: 1,
		Decls: []ast.Decl{
			&ast.Target{Platforms: []*ast.Ident{id("callback")}},
			&ast.Const{Name: id("desk"), Value: x(`"+6561112222"`)},
			&ast.Rule{Cond: x(`data.priority == "high"`), Handler: id("now")},
			&ast.Rule{Handler: id("later")},
			&ast.Handler{Name: id("now"), Body: block(
				&ast.Callback{Legs: []*ast.Leg{leg("A", "caller", "desk"), leg("B", "desk", "caller")}},
			)},
			&ast.Handler{Name: id("later"), Body: block(
				&ast.If{
					Branches: []*ast.Branch{
						{Cond: x("data.a == 1"), Body: block(&ast.Callback{Legs: []*ast.Leg{leg("A", "caller", "desk"), leg("B", "desk", "caller")}})},
						{Cond: x("data.a == 2"), Body: block(&ast.Goto{Handler: id("now")})},
						{Cond: x("(data == {})"), Body: block()},
					},
					Else: block(&ast.Set{Var: id("x"), Value: x("1")}),
				},
			)},
			&ast.Test{Name: x(`"calls back"`), Stmts: []ast.TestStmt{
				&ast.Call{Platform: id("callback"), From: x(`"+6591234567"`), To: x(`"+6512345678"`), At: x(`"2026-11-23T10:00:00+08:00"`), Data: x(`{priority: "high"}`)},
				&ast.Given{Name: id("desk"), Value: x(`"+1"`)},
				&ast.Press{Digits: x(`"1#"`)},
				&ast.Expect{Kind: id("callback"), Legs: []*ast.Leg{leg("A", `"+6591234567"`, `"+6561112222"`)}},
				&ast.Expect{Kind: id("var"), Var: id("x"), Args: []*ast.Expr{x("1")}},
				&ast.Expect{Kind: id("makeCall"), Args: []*ast.Expr{x(`"+1"`)}, From: x(`"+2"`), Record: true},
			}},
			&ast.Test{Name: x(`"8x8"`), Stmts: []ast.TestStmt{
				&ast.Call{Platform: id("8x8"), From: x(`"+6591234567"`), To: x(`"+6512345678"`)},
				&ast.Expect{Kind: id("hangup")},
			}},
		},
	}
	if diff := cmp.Diff(want, f, shape); diff != "" {
		t.Errorf("tree (-want +got):\n%s", diff)
	}
	cb := f.Decls[4].(*ast.Handler).Body.Steps[0].(*ast.Callback)
	iff := f.Decls[5].(*ast.Handler).Body.Steps[0].(*ast.If)
	test8 := f.Decls[7].(*ast.Test)
	for _, c := range []struct {
		name string
		got  source.Span
		want source.Span
	}{
		{"second leg on the line", cb.Legs[1].At, at(src, "leg", 1)},
		{"its number", cb.Legs[1].To.At, at(src, "desk", 2)},
		{"if keyword", iff.At, at(src, "if", 0)},
		{"branch is its condition", iff.Branches[1].At, at(src, "data.a == 2", 0)},
		{"parenthesised map condition", iff.Branches[2].Cond.At, at(src, "(data == {})", 0)},
		{"else block", iff.Else.At, at(src, "{\n    set x = 1\n  }", 0)},
		{"8x8 in call", test8.Stmts[0].(*ast.Call).Platform.At, at(src, "8x8", 1)},
		{"test close", test8.Close, at(src, "}", strings.Count(src, "}")-1)},
	} {
		if diff := cmp.Diff(c.want, c.got); diff != "" {
			t.Errorf("%s span (-want +got):\n%s", c.name, diff)
		}
	}
}

func TestVersion(t *testing.T) {
	f := parse(t, "flow v version 2\n")
	if f.Version != 2 || f.VerAt.Start.Col != 16 {
		t.Errorf("version %d at %v", f.Version, f.VerAt)
	}
	f = parse(t, "# no version\nflow v\n")
	if f.Version != 1 || f.VerAt.IsValid() {
		t.Errorf("version %d at %v", f.Version, f.VerAt)
	}
}

// TestSyntaxErrors: one error for one mistake, naming what was expected and
// what was found, at the exact token. The file comes back with what parsed
// (see TestRecovery) unless the header is broken.
func TestSyntaxErrors(t *testing.T) {
	for _, tc := range []struct {
		src       string
		line, col int
		summary   string
		suggest   string
	}{
		{"flow x\nconst a 1\n", 2, 9, `expected "=", found "1"`, ""},
		{"flow x\ntable t \"x.csv\"\n", 2, 9, `expected "from", found string "x.csv"`, ""},
		{"flow x\nwhen a == 1 h\n", 2, 13, `expected "->", found "h"`, ""},
		{"flow x\nhours o \"Mon 09:00-10:00\"\n", 2, 26, `expected "tz", found end of line`, ""},
		{"flow x\nhandler h {\n  hangp\n}\n", 3, 3, `unknown statement "hangp"`, "hangup"},
		{"flow x\nhandler h {\n  makecall \"+1\"\n}\n", 3, 3, `unknown statement "makecall"`, "makeCall"},
		{"flow x\nhandler h {\n  agent\n}\n", 3, 8, `expected an expression, found end of line`, ""},
		{"flow x\nhandler h {\n  say \"a\" \n", 2, 11, `"{" is never closed`, ""},
		{"flow x\nconst a = [1, 2)\n", 2, 16, `")" does not close "["`, ""},
		{"flow x\n}\n", 2, 1, `"}" has no matching "{"`, ""},
		{"flow x\nconst a = \"abc\n", 2, 15, "string literal not terminated (a string ends on the line it starts)", ""},
		{"flow x\nconst a = \"\\q\"\n", 2, 12, `unknown escape sequence \q (use \\ for a backslash)`, ""},
		{"flow x\nconst a = § 1\n", 2, 11, `unexpected character '§' outside a string`, ""},
		{"target tencent\n", 1, 1, `expected "flow", found keyword "target"`, ""},
		{"flow\n", 1, 5, `expected a name, found end of line`, ""},
		{"flow x\nhandler h {\n  capture c { prompt \"p\"; on noinput }\n}\n", 3, 38, `expected "{", found "}"`, ""},
		{"flow x\nhandler h {\n  retrun\n}\n", 3, 3, `unknown statement "retrun"`, "return"},
	} {
		f, ds := parser.ParseFile("t.flow", []byte(tc.src))
		if headerOK := !strings.HasPrefix(tc.src, "flow\n") && strings.HasPrefix(tc.src, "flow"); (f != nil) != headerOK || len(ds) != 1 {
			t.Errorf("%q: got file %v and %d diagnostics, want file %v and one error:\n%s", tc.src, f != nil, len(ds), headerOK, ds)
			continue
		}
		d := ds[0]
		if d.Code != diag.Syntax || d.Subject.Start.Line != tc.line || d.Subject.Start.Col != tc.col ||
			d.Summary != tc.summary || d.Suggest != tc.suggest {
			t.Errorf("%q:\n got %d:%d %s %q suggest %q\nwant %d:%d syntax %q suggest %q",
				tc.src, d.Subject.Start.Line, d.Subject.Start.Col, d.Code, d.Summary, d.Suggest,
				tc.line, tc.col, tc.summary, tc.suggest)
		}
	}
}

// TestLowerErrors are reported after a successful parse; the file is kept
// so the checker still runs.
func TestLowerErrors(t *testing.T) {
	src := "flow x\ntarget tencent otherwise -> h\nhandler h { set a = 1 set b = 2 }\nconst case = 1\n" +
		"handler g { say \"a\" speed 1 speed 2; play \"u\" voice \"v\" }\n"
	f, ds := parser.ParseFile("t.flow", []byte(src))
	if f == nil {
		t.Fatalf("no file: %s", ds)
	}
	var got []string
	for _, d := range ds {
		got = append(got, d.Subject.String()+" "+string(d.Code)+" "+d.Summary)
	}
	want := []string{
		`t.flow:2:16 syntax expected end of line or ";" before "otherwise"`,
		`t.flow:3:23 syntax expected end of line or ";" before "set"`,
		`t.flow:4:7 reserved-word "case" is a keyword and cannot name a const`,
		`t.flow:5:29 duplicate-option speed is given twice`,
		`t.flow:5:47 syntax play takes only repeat`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
}

// TestLongLineSpans parses a 1 MiB flow on one line (statements separated by
// ";") with UTF-8 text: the columns count runes, and the parse stays linear.
func TestLongLineSpans(t *testing.T) {
	var b strings.Builder
	b.WriteString("flow long; target 8x8; handler h {")
	n := 0
	for b.Len() < parser.MaxFileSize-100 {
		b.WriteString(` say "Xin chào thế giới"; set v = 1;`)
		n++
	}
	b.WriteString(" hangup }\n")
	src := b.String()
	start := time.Now()
	f := parse(t, src)
	// Columns counted from the line's start made this O(n²): minutes.
	if took := time.Since(start); took > 30*time.Second {
		t.Errorf("parsing a 1 MiB line took %v", took)
	}
	steps := f.Decls[1].(*ast.Handler).Body.Steps
	if len(steps) != 2*n+1 {
		t.Fatalf("%d steps, want %d", len(steps), 2*n+1)
	}
	for i, s := range []ast.Step{steps[0], steps[n], steps[2*n-1], steps[2*n]} {
		sp := s.Span()
		line := src[:sp.Start.Offset]
		if sp.Start.Line != 1 || sp.Start.Col != 1+len([]rune(line)) {
			t.Errorf("step %d at %v, want column %d", i, sp, 1+len([]rune(line)))
		}
	}
}

// TestColumnsCountRunes checks the rune columns spans carry, which package
// source computes with an index over long lines, against a plain count from
// the start of each line, for every offset of random text with long lines,
// multi-byte runes and invalid bytes.
func TestColumnsCountRunes(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"a", "中", "é", "😀", " ", "\xff", "\x80", "\n"}
	for iter := range 100 {
		var b []byte
		newline := 1 + iter%3*400 // one newline in this many pieces
		for n := r.IntN(2500); len(b) < n; {
			p := pieces[r.IntN(len(pieces)-1)]
			if iter%2 == 0 && !utf8.ValidString(p) {
				continue // half the inputs are valid UTF-8
			}
			if r.IntN(newline) == 0 {
				p = "\n"
			}
			b = append(b, p...)
		}
		f := source.NewFile("t.flow", b)
		ls := 0
		for off := 0; off <= len(b); off++ {
			if off > 0 && b[off-1] == '\n' {
				ls = off
			}
			if got, want := f.Pos(off).Col, utf8.RuneCount(b[ls:off])+1; got != want {
				t.Fatalf("input %d, offset %d: column %d, want %d", iter, off, got, want)
			}
		}
	}
}
