package graph

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMermaidText(t *testing.T) {
	tests := []struct{ in, want string }{
		{`say "hi"`, `say #quot;hi#quot;`},
		{`a < b > c & d`, `a #lt; b #gt; c #amp; d`},
		{`#quot; #35; #x;`, `#35;quot; #35;35; #35;x;`},
		{"`md` | pipe", `#96;md#96; #124; pipe`},
		{`C:\temp\n`, `C:\temp\n`}, // a backslash means nothing to Mermaid
		{"two\nlines", `two<br/>lines`},
		{`end (x) [y] {z}; a:b`, `end (x) [y] {z}; a:b`},
		{"Xin chào 您好", "Xin chào 您好"},
		// style…:…#…; would lose its last ';' before Mermaid parses it.
		{`style: #fff;`, `style#58; #35;fff;`},
		{`classDef x fill:#f00;`, `classDef x fill#58;#35;f00;`},
	}
	for _, tt := range tests {
		if got := mermaidText(tt.in); got != tt.want {
			t.Errorf("mermaidText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDOTString(t *testing.T) {
	tests := []struct{ in, want string }{
		{``, `""`},
		{`say "hi"`, `"say \"hi\""`},
		{`C:\temp\n`, `"C:\\temp\\n"`},
		{`\`, `"\\"`},
		{"two\nlines", `"two\nlines"`},
		{"Xin chào 您好", `"Xin chào 您好"`},
		{`digraph node -> <b>{x}|y`, `"digraph node -> <b>{x}|y"`},
	}
	for _, tt := range tests {
		if got := dotString(tt.in); got != tt.want {
			t.Errorf("dotString(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

var (
	entityRE    = regexp.MustCompile(`#(\w+);`)
	ownEntityRE = regexp.MustCompile(`^#(quot|amp|lt|gt|35|58|96|124);`)
	// Mermaid's pre-pass: a matching line loses its last ';'.
	stylePassRE = regexp.MustCompile(`style.*:\S*#.*;|classDef.*:\S*#.*;`)
)

// mermaidDecode undoes mermaidText the way Mermaid and the browser do:
// entity codes back to characters, <br/> to a line break.
func mermaidDecode(s string) string {
	s = strings.ReplaceAll(s, "<br/>", "\n")
	return entityRE.ReplaceAllStringFunc(s, func(m string) string {
		switch name := m[1 : len(m)-1]; name {
		case "quot":
			return `"`
		case "amp":
			return "&"
		case "lt":
			return "<"
		case "gt":
			return ">"
		case "35":
			return "#"
		case "58":
			return ":"
		case "96":
			return "`"
		case "124":
			return "|"
		}
		return m
	})
}

// dotUnquote reads a DOT string as Graphviz does for a label.
func dotUnquote(s string) (string, bool) {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return "", false
	}
	var sb strings.Builder
	body := s[1 : len(s)-1]
	for i := 0; i < len(body); i++ {
		switch c := body[i]; c {
		case '"':
			return "", false // would end the string
		case '\n':
			return "", false
		case '\\':
			i++
			if i == len(body) {
				return "", false // would escape the closing quote
			}
			switch body[i] {
			case '\\':
				sb.WriteByte('\\')
			case '"':
				sb.WriteByte('"')
			case 'n':
				sb.WriteByte('\n')
			default:
				return "", false
			}
		default:
			sb.WriteByte(c)
		}
	}
	return sb.String(), true
}

// mermaidSafe reports whether an escaped label can only be read as text:
// nothing that ends the string, starts markup, or spells an entity of its
// own, and no line Mermaid's style pre-pass would cut.
func mermaidSafe(out string) bool {
	rest := strings.ReplaceAll(out, "<br/>", "")
	if strings.ContainsAny(rest, "\"<>`|\n\r&") {
		return false
	}
	if stylePassRE.MatchString(out) {
		return false
	}
	// Every '#' starts one of the entities mermaidText writes.
	for i := strings.IndexByte(rest, '#'); i >= 0; i = strings.IndexByte(rest, '#') {
		m := ownEntityRE.FindString(rest[i:])
		if m == "" {
			return false
		}
		rest = rest[i+len(m):]
	}
	return true
}

var escapeSeeds = []string{
	``, `"`, `\`, `\"`, `""\\`, "a\nb", `#quot;`, `#35;`, `&amp;`, `&lt;b&gt;`,
	`<br/>`, "`x`", `a|b`, `style: #fff;`, `classDef c fill:#f00,stroke:#0f0;`,
	`end`, `subgraph x`, `%% comment`, `%%{init: {}}%%`, `n1 --> n2`, `}]);`,
	"Xin chào, bạn đã gọi tới tổng đài", "您好，欢迎致电。", "😀 emoji",
}

// FuzzEscape checks that both escapers round-trip any label (after
// cleanLabel, which is what they are given) and leave nothing that could end
// the quoted string.
func FuzzEscape(f *testing.F) {
	for _, s := range escapeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		label := cleanLabel(s)
		m := mermaidText(label)
		if !mermaidSafe(m) {
			t.Errorf("mermaidText(%q) = %q is not safe inside a Mermaid string", label, m)
		}
		if back := mermaidDecode(m); back != label {
			t.Errorf("mermaidText(%q) = %q reads back as %q", label, m, back)
		}
		d := dotString(label)
		if back, ok := dotUnquote(d); !ok || back != label {
			t.Errorf("dotString(%q) = %q reads back as %q (ok %v)", label, d, back, ok)
		}
	})
}

func TestCleanLabel(t *testing.T) {
	long := strings.Repeat("ab", 40)
	viet := strings.Repeat("điểm ", 20)
	tests := []struct{ in, want string }{
		{"a  \t b", "a b"},
		{"  lead and trail  ", "lead and trail"},
		{"x\x00y\x7f", "xy"},
		{long, long[:MaxLabel-1] + "…"},
		{strings.Repeat("x", MaxLabel), strings.Repeat("x", MaxLabel)},
		{viet, strings.TrimRight(string([]rune(viet)[:MaxLabel-1]), " ") + "…"},
		{"first\n" + long, "first\n" + long[:MaxLabel-1] + "…"},
	}
	for _, tt := range tests {
		got := cleanLabel(tt.in)
		if got != tt.want {
			t.Errorf("cleanLabel(%q) = %q, want %q", tt.in, got, tt.want)
		}
		for _, line := range strings.Split(got, "\n") {
			if n := utf8.RuneCountInString(line); n > MaxLabel {
				t.Errorf("cleanLabel(%q) has a line of %d runes", tt.in, n)
			}
		}
	}
}

// TestEscapeFlow draws a flow whose strings hold every troublesome
// character, and checks the labels as each format writes them.
func TestEscapeFlow(t *testing.T) {
	g := Build(parseFile(t, "testdata/escape.flow"))
	mmd, dot := render(t, g, "mermaid"), render(t, g, "dot")
	for _, want := range []string{
		`n2{"caller == #quot;+65 \#quot;quoted\#quot;#quot;"}`,
		`["say #quot;He said \#quot;hi\#quot; #lt;b#gt;x#lt;/b#gt; #amp; #35;quot; #124; #96;t#96; {x} [y] (z);#quot;"]`,
		`["say #quot;C:\\temp\\new and a line\nbreak#quot;"]`,
		`["say #quot;Xin chào, bạn đã gọi tới tổng đài. 您好，欢迎致电。#quot;"]`,
		`["say #quot;style#58; #35;fff; classDef x fill#58;#35;f00;#quot;"]`,
	} {
		if !strings.Contains(mmd, want) {
			t.Errorf("Mermaid output lacks %s:\n%s", want, mmd)
		}
	}
	for _, want := range []string{
		`[label="caller == \"+65 \\\"quoted\\\"\"", shape=diamond]`,
		`[label="say \"He said \\\"hi\\\" <b>x</b> & #quot; | ` + "`t`" + ` {x} [y] (z);\""]`,
		`[label="say \"C:\\\\temp\\\\new and a line\\nbreak\""]`,
		`[label="say \"Xin chào, bạn đã gọi tới tổng đài. 您好，欢迎致电。\""]`,
	} {
		if !strings.Contains(dot, want) {
			t.Errorf("DOT output lacks %s:\n%s", want, dot)
		}
	}
	// Whatever the labels, every line of the Mermaid output is a known
	// statement with generated ids, and every quoted DOT string reads back.
	stmt := regexp.MustCompile(`^(flowchart TD|    %% flow \w+|\s+n\d+[\[({>].*|    subgraph c\d+ \[".*"\]|    end|    n\d+ -\.?->(\|".*"\|)? n\d+)$`)
	for _, line := range strings.Split(strings.TrimSuffix(mmd, "\n"), "\n") {
		if !stmt.MatchString(line) {
			t.Errorf("unexpected Mermaid line %q", line)
		}
	}
	for _, n := range g.Nodes {
		if !mermaidSafe(mermaidText(n.Label)) {
			t.Errorf("label %q is not safe in Mermaid", n.Label)
		}
		if back, ok := dotUnquote(dotString(n.Label)); !ok || back != n.Label {
			t.Errorf("label %q does not read back from DOT", n.Label)
		}
	}
}

// TestGraphviz renders every golden DOT file and the escaping flow with
// Graphviz, when it is installed.
func TestGraphviz(t *testing.T) {
	dotPath, err := exec.LookPath("dot")
	if err != nil {
		t.Skip("Graphviz dot is not installed")
	}
	files, _ := filepath.Glob("testdata/*.dot")
	for _, path := range append(files, "testdata/escape.flow", "testdata/structure.flow") {
		src := []byte(nil)
		if strings.HasSuffix(path, ".flow") {
			src = []byte(render(t, Build(parseFile(t, path)), "dot"))
		} else if src, err = os.ReadFile(path); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(dotPath, "-Tsvg")
		cmd.Stdin = strings.NewReader(string(src))
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "<svg") {
			t.Errorf("dot -Tsvg %s: %v\n%.500s", path, err, out)
		}
		if strings.Contains(string(out), "Warning") || strings.Contains(string(out), "Error") {
			t.Errorf("dot -Tsvg %s complains:\n%.500s", path, out)
		}
	}
}
