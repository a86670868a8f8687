package diag

import (
	"bytes"
	"strings"
	"testing"

	"github.com/callflow/callflow/lang/source"
)

// textOf renders one diagnostic on needle (the nth occurrence) in src.
func textOf(t *testing.T, src, needle string, nth int, opts ...WriteOption) string {
	t.Helper()
	fs := source.Files{}
	f := fs.Add(source.NewFile("a.flow", []byte(src)))
	d := Errorf(UnknownHandler, spanOf(t, f, needle, nth), "no handler named %q", needle)
	var buf bytes.Buffer
	if err := WriteText(&buf, Diagnostics{d}, fs, opts...); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// snippet returns the source and caret lines of a text diagnostic.
func snippet(t *testing.T, out string) (src, carets string) {
	t.Helper()
	lines := strings.Split(out, "\n")
	if len(lines) < 3 {
		t.Fatalf("no snippet in\n%s", out)
	}
	return lines[1], lines[2]
}

func TestTextLayout(t *testing.T) {
	src := "flow support\n" + strings.Repeat("\n", 10) + "  goto suport\n"
	fs := source.Files{}
	f := fs.Add(source.NewFile("flows/support.flow", []byte(src)))
	d := Errorf(UnknownHandler, spanOf(t, f, "suport", 0), "no handler named %q", "suport").
		Do("Declare the handler or fix the name.").Maybe("support")
	var buf bytes.Buffer
	if err := WriteText(&buf, Diagnostics{d}, fs); err != nil {
		t.Fatal(err)
	}
	want := `flows/support.flow:12:8: error[unknown-handler]: no handler named "suport"
   12 |   goto suport
      |        ^^^^^^
      = hint: Declare the handler or fix the name. Did you mean "support"?
`
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
}

func TestTextCaretAlignment(t *testing.T) {
	for _, tc := range []struct {
		name, src, needle string
		nth               int
		wantSrc, want     string
	}{
		{
			name:    "ascii",
			src:     "goto x\n",
			needle:  "x",
			wantSrc: "    1 | goto x",
			want:    "      |      ^",
		},
		{
			// Chinese characters take two cells each, both in the padding
			// and under the span.
			name:    "chinese",
			src:     "  say \"您好，欢迎\" goto 支持\n",
			needle:  "支持",
			wantSrc: "    1 |   say \"您好，欢迎\" goto 支持",
			want:    "      |   " + strings.Repeat(" ", len(`say "`)+10+len(`" goto `)) + "^^^^",
		},
		{
			// Precomposed Vietnamese letters are one cell each.
			name:    "vietnamese precomposed",
			src:     "say \"Xin chào quý khách\" goto hỗ_trợ\n",
			needle:  "hỗ_trợ",
			wantSrc: "    1 | say \"Xin chào quý khách\" goto hỗ_trợ",
			want:    "      | " + strings.Repeat(" ", len([]rune(`say "Xin chào quý khách" goto `))) + "^^^^^^",
		},
		{
			// Decomposed Vietnamese: combining marks take no cell.
			name:    "vietnamese decomposed",
			src:     "say \"cha\u0300o\" goto kha\u0301ch\n",
			needle:  "kha\u0301ch",
			wantSrc: "    1 | say \"cha\u0300o\" goto kha\u0301ch",
			want:    "      | " + strings.Repeat(" ", len(`say "chao" goto `)) + "^^^^^",
		},
		{
			// Tabs in the source stay tabs in the padding.
			name:    "tabs",
			src:     "\tsay \"Xin chào\"\tgoto suport\n",
			needle:  "suport",
			wantSrc: "    1 | \tsay \"Xin chào\"\tgoto suport",
			want:    "      | \t" + strings.Repeat(" ", len([]rune(`say "Xin chào"`))) + "\t     ^^^^^^",
		},
		{
			name:    "tabs and chinese",
			src:     "\t\t说 \"你好\"\tgoto 支持\n",
			needle:  "支持",
			wantSrc: "    1 | \t\t说 \"你好\"\tgoto 支持",
			want:    "      | \t\t" + "   " + "      " + "\t     ^^^^",
		},
		{
			name:    "second of two",
			src:     "开始 开始\n",
			needle:  "开始",
			nth:     1,
			wantSrc: "    1 | 开始 开始",
			want:    "      |      ^^^^",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := textOf(t, tc.src, tc.needle, tc.nth)
			gotSrc, got := snippet(t, out)
			if gotSrc != tc.wantSrc {
				t.Errorf("source line\n got %q\nwant %q", gotSrc, tc.wantSrc)
			}
			if got != tc.want {
				t.Errorf("caret line\n got %q\nwant %q", got, tc.want)
			}
			// Independently of the expectations above: the padding has the
			// display width of the source text before the span.
			if tc.nth > 0 {
				return
			}
			prefix := gotSrc[:strings.Index(gotSrc, "| ")+2] + tc.src[:strings.Index(tc.src, tc.needle)]
			if displayWidth(prefix) != displayWidth(got[:strings.IndexByte(got, '^')]) {
				t.Errorf("caret at cell %d, span at cell %d", displayWidth(got[:strings.IndexByte(got, '^')]), displayWidth(prefix))
			}
		})
	}
}

// displayWidth is the cell a terminal with 8-column tab stops reaches after
// printing s.
func displayWidth(s string) int {
	col := 0
	for _, r := range s {
		if r == '\t' {
			col += 8 - col%8
			continue
		}
		col += runeWidth(r)
	}
	return col
}

func TestTextCaretEdges(t *testing.T) {
	fs := source.Files{}
	f := fs.Add(source.NewFile("a.flow", []byte("goto x\n\tsay \"chào\"\nend\n")))
	write := func(s source.Span) string {
		var buf bytes.Buffer
		if err := WriteText(&buf, Diagnostics{Errorf(Syntax, s, "bad")}, fs); err != nil {
			t.Fatal(err)
		}
		_, c := snippet(t, buf.String())
		return c
	}
	for _, tc := range []struct {
		name string
		span source.Span
		want string
	}{
		{"empty span", f.Span(5, 5), "      |      ^"},
		{"at end of line", f.Span(6, 6), "      |       ^"},
		{"newline only", f.Span(6, 7), "      |       ^"},
		{"to next line", f.Span(5, 12), "      |      ^"},
		{"past the line", f.Span(0, 20), "      | ^^^^^^"},
		{"tab only", f.Span(7, 8), "      | ^"},
		{"tab and text", f.Span(7, 11), "      | \t^^^"},
		{"no end", source.Span{File: "a.flow", Start: source.Pos{Line: 2, Col: 3}}, "      | \t ^"},
		{"column past the end", source.Span{File: "a.flow", Start: source.Pos{Line: 3, Col: 40}}, "      |    ^"},
	} {
		if got := write(tc.span); got != tc.want {
			t.Errorf("%s: caret line %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestTextWithoutSource(t *testing.T) {
	d := Errorf(BadTable, source.Span{File: "gone.flow", Start: source.Pos{Line: 3, Col: 5}}, "table missing").
		Do("Put it beside the flow.").
		Also(source.Span{Start: source.Pos{Line: 1, Col: 1}}, "used here")
	var buf bytes.Buffer
	if err := WriteText(&buf, Diagnostics{d, Errorf(EmptyFile, source.Span{}, "nothing here")}, nil); err != nil {
		t.Fatal(err)
	}
	want := "gone.flow:3:5: error[bad-table]: table missing\n" +
		"      = note: used here at gone.flow:1:1\n" +
		"      = hint: Put it beside the flow.\n" +
		"\n" +
		"error[empty-file]: nothing here\n"
	if buf.String() != want {
		t.Errorf("got\n%q\nwant\n%q", buf.String(), want)
	}
}

func TestTextLongLineNumber(t *testing.T) {
	src := strings.Repeat("\n", 123455) + "goto x\n"
	out := textOf(t, src, "x", 0)
	want := "a.flow:123456:6: error[unknown-handler]: no handler named \"x\"\n" +
		" 123456 | goto x\n" +
		"        |      ^\n"
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}

func TestTextControlCharacters(t *testing.T) {
	out := textOf(t, "say \"\x1b[31m\" goto x\n", "x", 0)
	if strings.Contains(out, "\x1b") {
		t.Errorf("escape character copied to the terminal: %q", out)
	}
	_, c := snippet(t, out)
	if want := "      | " + strings.Repeat(" ", len("say \"\x1b[31m\" goto ")) + "^"; c != want {
		t.Errorf("caret line %q, want %q", c, want)
	}
}

func TestTextColor(t *testing.T) {
	plain := textOf(t, "goto x\n", "x", 0)
	if strings.Contains(plain, "\x1b[") {
		t.Errorf("colour without WithColor: %q", plain)
	}
	colored := textOf(t, "goto x\n", "x", 0, WithColor(true))
	for _, want := range []string{ansiRed + "error[unknown-handler]" + ansiReset, ansiRed + "^" + ansiReset} {
		if !strings.Contains(colored, want) {
			t.Errorf("coloured output %q lacks %q", colored, want)
		}
	}
	if got := stripANSI(colored); got != plain {
		t.Errorf("colour changes the text:\n%q\n%q", got, plain)
	}
}

func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b {
			for i < len(s) && s[i] != 'm' {
				i++
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
