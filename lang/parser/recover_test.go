package parser_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/parser"
)

// outline renders what a tree holds: each declaration's keyword and name,
// a handler's steps, a test's statement count.
func outline(f *ast.File) string {
	if f == nil {
		return "no file"
	}
	var parts []string
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.Handler:
			var steps []string
			ast.Inspect(d.Body, func(n ast.Node) bool {
				if s, ok := n.(ast.Step); ok {
					steps = append(steps, ast.Keyword(s))
				}
				return true
			})
			parts = append(parts, fmt.Sprintf("handler %s{%s}", d.Name.Name, strings.Join(steps, " ")))
		case *ast.Const:
			parts = append(parts, "const "+d.Name.Name)
		case *ast.Rule:
			parts = append(parts, "rule->"+d.Handler.Name)
		case *ast.Test:
			parts = append(parts, fmt.Sprintf("test %s{%d}", d.Name.Text, len(d.Stmts)))
		default:
			parts = append(parts, fmt.Sprintf("%T", d))
		}
	}
	return strings.Join(parts, "; ")
}

// TestRecovery: a syntax error costs the statement it is in. Every error is
// reported at its place; every declaration, handler and step that parses
// is in the tree, which says it is partial.
func TestRecovery(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		errors    []string // line:col summary
		outline   string
	}{{
		name: "three broken handlers",
		src: "flow x\notherwise -> a\nhandler a {\n  say \"1\"\n  hangup now\n  goto b\n}\n" +
			"handler b {\n  sya \"2\"\n  hangup\n}\nhandler c {\n  set = 1\n}\nconst k = 1\n",
		errors: []string{
			`5:10 expected end of line or ";", found "now"`,
			`9:3 unknown statement "sya"`,
			`13:7 expected a name, found "="`,
		},
		outline: "rule->a; handler a{say goto}; handler b{hangup}; handler c{}; const k",
	}, {
		name:    "a line that does not lex",
		src:     "flow x\nhandler a {\n  say \"open\n  hangup\n}\nconst § = 1\nconst k = 2\n",
		errors:  []string{`3:12 string literal not terminated (a string ends on the line it starts)`, `6:7 unexpected character '§' outside a string`},
		outline: "handler a{hangup}; const k",
	}, {
		name:    "a handler never closed ends at the next declaration",
		src:     "flow x\nhandler a {\n  if true {\n    hangup\n  }\n\nhandler b {\n  hangup\n}\n",
		errors:  []string{`2:11 "{" is never closed`},
		outline: "handler a{if hangup}; handler b{hangup}",
	}, {
		name:    "an if never closed at the end of the file",
		src:     "flow x\nhandler a {\n  say \"1\"\n  if true {\n    hangup\n",
		errors:  []string{`4:11 "{" is never closed`},
		outline: "handler a{say if hangup}",
	}, {
		name:    "a wrong closer drops its statement only",
		src:     "flow x\nhandler a {\n  set v = [1, 2)\n  hangup\n}\nconst k = (1]\nconst j = 2\n",
		errors:  []string{`3:16 ")" does not close "["`, `6:13 "]" does not close "("`},
		outline: "handler a{hangup}; const j",
	}, {
		name:    "a stray closer is dropped",
		src:     "flow x\n}\nconst k = 1\nhandler a { hangup } }\n",
		errors:  []string{`2:1 "}" has no matching "{"`, `4:22 "}" has no matching "{"`},
		outline: "const k; handler a{hangup}",
	}, {
		name:    "broken declarations",
		src:     "flow x\nconst a 1\ntable t \"x.csv\"\nwhen a == 1 h\nconst k = 1\nfoo = 2\n",
		errors:  []string{`2:9 expected "=", found "1"`, `3:9 expected "from", found string "x.csv"`, `4:13 expected "->", found "h"`, `6:1 expected a declaration, found "foo"`},
		outline: "const k",
	}, {
		name:    "a broken test statement",
		src:     "flow x\ntest \"t\" {\n  call tencent from \"1\" to \"2\"\n  press\n  expect hangup\n}\n",
		errors:  []string{`4:8 expected an expression, found end of line`},
		outline: `test "t"{2}`,
	}, {
		name:    "after a block, the rest of its line",
		src:     "flow x\nhandler a { sya } const k = 1\n",
		errors:  []string{`2:13 unknown statement "sya"`, `2:19 expected end of line or ";" before "const"`},
		outline: "handler a{}; const k",
	}, {
		name:    "a broken step inside an if",
		src:     "flow x\nhandler a {\n  if true {\n    sya \"x\"\n    hangup\n  } else {\n    goto a\n  }\n  say \"after\"\n}\n",
		errors:  []string{`4:5 unknown statement "sya"`},
		outline: "handler a{if hangup goto say}",
	}, {
		name:    "broken steps in switch cases and a capture's on block",
		src:     "flow x\nhandler a {\n  capture c {\n    tries 1\n    on noinput {\n      hangup now\n      goto a\n    }\n  }\n  switch c {\n    case \"1\" { hangup now }\n    case \"2\" {\n      if true { sya } else { goto a }\n    }\n  }\n}\n",
		errors:  []string{`6:14 expected end of line or ";", found "now"`, `11:23 expected end of line or ";", found "now"`, `13:17 unknown statement "sya"`},
		outline: "handler a{capture goto switch if goto}",
	}, {
		name:    "no header: errors, no file",
		src:     "handler a {\n  sya\n}\n",
		errors:  []string{`1:1 expected "flow", found keyword "handler"`, `2:3 unknown statement "sya"`},
		outline: "no file",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			f, ds := parser.ParseFile("t.flow", []byte(tc.src))
			var got []string
			for _, d := range ds {
				got = append(got, fmt.Sprintf("%d:%d %s", d.Subject.Start.Line, d.Subject.Start.Col, d.Summary))
			}
			if strings.Join(got, "\n") != strings.Join(tc.errors, "\n") {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.errors, "\n"))
			}
			if o := outline(f); o != tc.outline {
				t.Errorf("tree: %s\nwant: %s", o, tc.outline)
			}
			if f != nil && !f.Partial {
				t.Error("the tree does not say it is partial")
			}
		})
	}
}

// TestRecoveryLimit: a file of nothing but errors reports the first
// MaxSyntaxErrors and says there were more.
func TestRecoveryLimit(t *testing.T) {
	src := "flow x\n" + strings.Repeat("const = 1\n", 1000)
	_, ds := parser.ParseFile("t.flow", []byte(src))
	if len(ds) != parser.MaxSyntaxErrors+1 || !strings.Contains(ds[len(ds)-1].Summary, "too many syntax errors") {
		t.Errorf("%d diagnostics, the last %q", len(ds), ds[len(ds)-1].Summary)
	}
}

// TestRecoveredStepsAsWhole: a handler recovered statement by statement
// holds the very steps, spans included, that the file gives without the
// broken one.
func TestRecoveredStepsAsWhole(t *testing.T) {
	broken := "flow x\nhandler a {\n  say \"1\" voice \"v\"\n  if true { goto a } else { hangup }\n  hangup now\n  capture c {\n    digits 1..4\n  }\n}\n"
	fixed := strings.Replace(broken, "  hangup now\n", "  hangup    \n", 1)
	fb, _ := parser.ParseFile("t.flow", []byte(broken))
	ff, ds := parser.ParseFile("t.flow", []byte(fixed))
	if len(ds) > 0 {
		t.Fatal(ds)
	}
	hb, hf := fb.Decls[0].(*ast.Handler), ff.Decls[0].(*ast.Handler)
	hf.Body.Steps = append(hf.Body.Steps[:2], hf.Body.Steps[3:]...) // the hangup the broken file loses
	if diff := cmp.Diff(hf, hb); diff != "" {
		t.Errorf("recovered handler differs (-whole +recovered):\n%s", diff)
	}
}

// TestRecoveryLost: the names declared by statements a syntax error
// skipped, a line that does not lex and a step inside a skipped if
// included, are kept with their spans, for the checker to take as
// declared.
func TestRecoveryLost(t *testing.T) {
	src := "flow x\nconst prefix = \"+65\nhandler main {\n  set tier == 1\n  capture = 2\n  if true {\n    set inner = 1\n  } junk\n  post \"https://a.example\" {\n    json {a: 1}\n    into answer\n    else {}\n  } junk\n}\nhandler helper x {\n}\nlookup = 1\n"
	f, _ := parser.ParseFile("t.flow", []byte(src))
	var got []string
	for _, l := range f.Lost {
		got = append(got, fmt.Sprintf("%s %s@%d", l.Keyword, l.Name.Name, l.Name.At.Start.Offset))
	}
	want := fmt.Sprintf("const prefix@%d, set tier@%d, set inner@%d, into answer@%d, handler helper@%d",
		strings.Index(src, "prefix"), strings.Index(src, "tier"), strings.Index(src, "inner"), strings.Index(src, "answer"), strings.Index(src, "helper"))
	if g := strings.Join(got, ", "); g != want {
		t.Errorf("lost %s, want %s", g, want)
	}
}

// TestRecoveredNestedAsWhole: a block of steps cleaned of a broken step
// holds the very steps, spans included, the file gives without it.
func TestRecoveredNestedAsWhole(t *testing.T) {
	broken := "flow x\nhandler a {\n  if caller == \"1\" {\n    say \"1\"\n    hangup now\n    goto a\n  } else { hangup }\n}\n"
	fixed := strings.Replace(broken, "    hangup now\n", "    hangup    \n", 1)
	fb, ds := parser.ParseFile("t.flow", []byte(broken))
	if len(ds) != 1 {
		t.Fatalf("want one error: %v", ds)
	}
	ff, _ := parser.ParseFile("t.flow", []byte(fixed))
	want := ff.Decls[0].(*ast.Handler).Body.Steps[0].(*ast.If)
	body := want.Branches[0].Body
	body.Steps = append(body.Steps[:1], body.Steps[2:]...)
	if diff := cmp.Diff(want, fb.Decls[0].(*ast.Handler).Body.Steps[0]); diff != "" {
		t.Errorf("recovered if differs (-whole +recovered):\n%s", diff)
	}
}
