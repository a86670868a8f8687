package lexer_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	plexer "github.com/alecthomas/participle/v2/lexer"
	"github.com/google/go-cmp/cmp"

	"github.com/callflow/callflow/lang/lexer"
)

// tok renders a token as "Type:value" for compact tables.
func tok(t plexer.Token) string {
	return fmt.Sprintf("%s:%s", lexer.TypeName(t.Type), t.Value)
}

func kinds(t *testing.T, src string) []string {
	t.Helper()
	toks, err := lexer.Tokens("t.flow", []byte(src))
	if err != nil {
		t.Fatalf("%q: %v", src, err)
	}
	var out []string
	for _, tk := range toks {
		if tk.Type == lexer.EOF {
			break
		}
		out = append(out, tok(tk))
	}
	return out
}

func TestTokenKinds(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want []string
	}{
		// Durations: an integer with ms, s, m or h, as one token.
		{"1500ms 10s 5m 2h", []string{"Duration:1500ms", "Duration:10s", "Duration:5m", "Duration:2h"}},
		{"timeout 1500ms", []string{"Ident:timeout", "Duration:1500ms"}},
		// A unit must end the word: 10sec and 5min are a number and a name.
		{"10sec 5min 3hx", []string{"Int:10", "Ident:sec", "Int:5", "Ident:min", "Int:3", "Ident:hx"}},
		// Digit ranges are one Range token (so the grammar needs no
		// lookahead); with spaces, or without a second number, they are not.
		{"4..10", []string{"Range:4..10"}},
		{"digits 4..10", []string{"Ident:digits", "Range:4..10"}},
		{"1..25,3", []string{"Range:1..25", "Punct:,", "Int:3"}},
		{"4 .. 10", []string{"Int:4", "Punct:..", "Int:10"}},
		{"4.. 4...5", []string{"Int:4", "Punct:..", "Int:4", "Punct:...", "Int:5"}},
		// 8x8 is a name where a platform is expected, and never a number.
		{"target 8x8", []string{"Ident:target", "Ident:8x8"}},
		{"call 8x8 from", []string{"Ident:call", "Ident:8x8", "Ident:from"}},
		{"8x8,tencent", []string{"Ident:8x8", "Punct:,", "Ident:tencent"}},
		{"8x80", []string{"Int:8", "Ident:x80"}},
		// Numbers.
		{"0.9 42 -3 1e3 2.5e-1", []string{"Float:0.9", "Int:42", "Punct:-", "Int:3", "Float:1e3", "Float:2.5e-1"}},
		{"speed 0.9", []string{"Ident:speed", "Float:0.9"}},
		{"1.", []string{"Int:1", "Punct:."}},
		// Strings with escapes and interpolation are one token, quotes included.
		{`"a\"b\\c\n\t\u00e9\x41\$"`, []string{`String:"a\"b\\c\n\t\u00e9\x41\$"`}},
		{`"Order ${order_no} is on its way."`, []string{`String:"Order ${order_no} is on its way."`}},
		{`"${data["x"]}"`, []string{`String:"${data["x"]}"`}},
		{`"${ {"a": "}"}["a"] }" x`, []string{`String:"${ {"a": "}"}["a"] }"`, "Ident:x"}},
		{`"Xin chào" "你好"`, []string{`String:"Xin chào"`, `String:"你好"`}},
		{"`raw ${x} \\n`", []string{"String:`raw ${x} \\n`"}},
		// Comments run to the end of the line; the newline is its own token.
		{"say \"a\" # a comment \"with\" ${stuff}\nhangup", []string{"Ident:say", `String:"a"`, `Comment:# a comment "with" ${stuff}`, "Newline:\n", "Ident:hangup"}},
		{"#\n#x", []string{"Comment:#", "Newline:\n", "Comment:#x"}},
		{"a\r\n", []string{"Ident:a", "Newline:\n"}},
		// Punctuation, longest first.
		{"-> == != <= >= && || ?? ?. ... ;", []string{"Punct:->", "Punct:==", "Punct:!=", "Punct:<=", "Punct:>=", "Punct:&&", "Punct:||", "Punct:??", "Punct:?.", "Punct:...", "Punct:;"}},
		{"a?.b", []string{"Ident:a", "Punct:?.", "Ident:b"}},
		{"makeCall_2 _x", []string{"Ident:makeCall_2", "Ident:_x"}},
	} {
		if diff := cmp.Diff(tc.want, kinds(t, tc.src)); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tc.src, diff)
		}
	}
}

func TestPositions(t *testing.T) {
	src := "flow x\nsay \"Thông báo\" speed 0.9\n  `a\nb` 8x8\n"
	toks, err := lexer.Tokens("t.flow", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tk := range toks {
		got = append(got, fmt.Sprintf("%d:%d@%d %s", tk.Pos.Line, tk.Pos.Column, tk.Pos.Offset, tok(tk)))
	}
	want := []string{
		"1:1@0 Ident:flow", "1:6@5 Ident:x", "1:7@6 Newline:\n",
		"2:1@7 Ident:say", `2:5@11 String:"Thông báo"`, "2:17@25 Ident:speed", "2:23@31 Float:0.9", "2:26@34 Newline:\n",
		// A raw string may span lines; the token after it is on the next line.
		"3:3@37 String:`a\nb`", "4:4@43 Ident:8x8", "4:7@46 Newline:\n",
		"5:1@47 EOF:",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("positions (-want +got):\n%s", diff)
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		src                 string
		line, col, offset   int
		msg                 string
		tokensBeforeTheFail int
	}{
		{"say \"Xin chào\nhangup", 1, 14, 14, "string literal not terminated (a string ends on the line it starts)", 1},
		{"say \"abc", 1, 9, 8, "string literal not terminated", 1},
		{"x = \"${a\"", 1, 10, 9, "string literal not terminated", 2},
		{"x = \"${a\n\"", 1, 9, 8, "interpolation not closed with } before the end of the line", 2},
		{"x = \"a\\qb\"", 1, 7, 6, `unknown escape sequence \q (use \\ for a backslash)`, 2},
		{"x = \"\\u12\"", 1, 6, 5, "incomplete escape sequence", 2},
		{"x = \"\\u12zz\"", 1, 6, 5, `invalid escape sequence "\\u12zz"`, 2},
		// The line ends the digits: the next line's text is never read as
		// part of the escape (Relex keeps untouched lines' errors).
		{"x = \"\\U000\n0000\"", 1, 6, 5, "incomplete escape sequence", 2},
		{"flow x\nconst a = § 1", 2, 11, 17, "unexpected character '§' outside a string", 6},
		{"a\x01", 1, 2, 1, `unexpected character '\x01' outside a string`, 1},
		{"a \xff", 1, 3, 2, "invalid UTF-8 byte 0xff", 1},
		{"`raw", 1, 5, 4, "raw string literal not terminated", 0},
	} {
		toks, err := lexer.Tokens("t.flow", []byte(tc.src))
		var pe *plexer.Error
		if !errors.As(err, &pe) {
			t.Errorf("%q: error %v, want a *lexer.Error", tc.src, err)
			continue
		}
		if pe.Pos.Line != tc.line || pe.Pos.Column != tc.col || pe.Pos.Offset != tc.offset || pe.Msg != tc.msg {
			t.Errorf("%q: %d:%d@%d %q, want %d:%d@%d %q", tc.src, pe.Pos.Line, pe.Pos.Column, pe.Pos.Offset, pe.Msg,
				tc.line, tc.col, tc.offset, tc.msg)
		}
		if len(toks) != tc.tokensBeforeTheFail {
			t.Errorf("%q: %d tokens before the error, want %d", tc.src, len(toks), tc.tokensBeforeTheFail)
		}
	}
}

func TestStringParts(t *testing.T) {
	lit := `"Hi ${name}, ${"a${b}"}!\n"`
	parts, err := lexer.StringParts([]byte(lit))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range parts {
		if p.Interp {
			got = append(got, fmt.Sprintf("interp %q at %d", lit[p.Start:p.End], p.InterpStart))
		} else {
			got = append(got, fmt.Sprintf("text %q from %q", p.Text, lit[p.Start:p.End]))
		}
	}
	want := []string{
		`text "Hi " from "Hi "`,
		`interp "name" at 4`,
		`text ", " from ", "`,
		`interp "\"a${b}\"" at 13`,
		`text "!\n" from "!\\n"`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parts (-want +got):\n%s", diff)
	}
	deep := strings.Repeat(`"${`, lexer.MaxInterpolationDepth+2) + "x" + strings.Repeat(`}"`, lexer.MaxInterpolationDepth+2)
	if _, err := lexer.StringLen([]byte(deep)); err == nil || !strings.Contains(err.Msg, "nested too deeply") {
		t.Errorf("interpolations nested %d deep: %v", lexer.MaxInterpolationDepth+2, err)
	}
}

func TestKeywords(t *testing.T) {
	for _, w := range strings.Fields(`flow target number voice const table from lookup get timeout else hours tz
		except when otherwise handler say play capture makeCall record agent ivr set hangup goto if switch case
		callback leg campaign contact test call at given expect press
		do return post pause`) {
		if !lexer.IsKeyword(w) {
			t.Errorf("%q is reserved by language.md sections 2 and 8", w)
		}
	}
	// Option words, on and outcome names are keywords only in their
	// position (section 8): `set noinput = 1` names a variable.
	for _, w := range []string{"prompt", "digits", "accept", "tries", "script", "vars", "caller", "data", "8x8", "tencent",
		"noinput", "nomatch", "on", "bargein", "json", "header", "into", "limit", "language",
		"sip", "user", "queue", "busy", "noanswer", "failed", "completed"} {
		if lexer.IsKeyword(w) {
			t.Errorf("%q is not reserved", w)
		}
	}
	if n := len(lexer.Keywords()); n != 44 {
		t.Errorf("%d keywords, want the 44 of language.md", n)
	}
}
