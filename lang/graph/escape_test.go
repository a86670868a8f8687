package graph

import (
	"bytes"
	"encoding/json"
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
		// Mermaid reads the two characters \n as a line break.
		{`C:\temp\n`, `C:#92;temp#92;n`},
		// %%{…}%% anywhere in the text is a directive.
		{`%%{init: {"theme": "dark"}}%%`, `#37;#37;{init: {#quot;theme#quot;: #quot;dark#quot;}}#37;#37;`},
		{`100%`, `100#37;`},
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

func TestDOTLabel(t *testing.T) {
	tests := []struct{ in, want string }{
		{`R&D`, `"R&amp;D"`},
		{`&amp; &lt;b&gt; &#38; &#x26;`, `"&amp;amp; &amp;lt;b&amp;gt; &amp;#38; &amp;#x26;"`},
		{`\N \G \l`, `"\\N \\G \\l"`},
		{`{a|<b>}`, `"{a|<b>}"`},
	}
	for _, tt := range tests {
		got := dotLabel(tt.in)
		if got != tt.want {
			t.Errorf("dotLabel(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if back, ok := dotUnquoteLabel(got); !ok || back != tt.in {
			t.Errorf("dotLabel(%q) = %q reads back as %q", tt.in, got, back)
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
	ownEntityRE = regexp.MustCompile(`^#(quot|amp|lt|gt|35|37|58|92|96|124);`)
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
		case "37":
			return "%"
		case "92":
			return `\`
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

// graphvizEntityRE matches what Graphviz decodes as an HTML entity in a
// label: &name; &#NNN; &#xHH;.
var graphvizEntityRE = regexp.MustCompile(`&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);`)

// dotUnquoteLabel reads a DOT string as Graphviz does for a label: unquoted,
// then its entities decoded (only &amp; is expected: any other entity means
// user text was read as one).
func dotUnquoteLabel(s string) (string, bool) {
	u, ok := dotUnquote(s)
	if !ok {
		return "", false
	}
	bad := false
	out := graphvizEntityRE.ReplaceAllStringFunc(u, func(m string) string {
		if m != "&amp;" {
			bad = true
		}
		return "&"
	})
	return out, !bad
}

// dotUnquote reads a DOT string as Graphviz's scanner does.
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
	if strings.ContainsAny(rest, "\"<>`|\n\r&%\\") {
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
	`end`, `subgraph x`, `%% comment`, `%%{init: {}}%%`, `&#38;`, `&#x26;`, `\N`, `C:\new`, `n1 --> n2`, `}]);`,
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
		d := dotLabel(label)
		if back, ok := dotUnquoteLabel(d); !ok || back != label {
			t.Errorf("dotLabel(%q) = %q reads back as %q (ok %v)", label, d, back, ok)
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
		`n2{"caller == #quot;+65 #92;#quot;quoted#92;#quot;#quot;"}`,
		`["say #quot;He said #92;#quot;hi#92;#quot; #lt;b#gt;x#lt;/b#gt; #amp; #35;quot; #124; #96;t#96; {x} [y] (z);#quot;"]`,
		`["say #quot;C:#92;#92;temp#92;#92;new and a line#92;nbreak#quot;"]`,
		`["say #quot;#37;#37;{init: {'theme': 'dark'}}#37;#37; 100#37;#quot;"]`,
		`["say #quot;Xin chào, bạn đã gọi tới tổng đài. 您好，欢迎致电。#quot;"]`,
		`["say #quot;style#58; #35;fff; classDef x fill#58;#35;f00;#quot;"]`,
	} {
		if !strings.Contains(mmd, want) {
			t.Errorf("Mermaid output lacks %s:\n%s", want, mmd)
		}
	}
	for _, want := range []string{
		`[label="caller == \"+65 \\\"quoted\\\"\"", shape=diamond]`,
		`[label="say \"He said \\\"hi\\\" <b>x</b> &amp; #quot; | ` + "`t`" + ` {x} [y] (z);\""]`,
		`[label="say \"R&amp;amp;D &amp;#38; &amp;lt;x&amp;gt; \\\\N \\\\G\""]`,
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
		if back, ok := dotUnquoteLabel(dotLabel(n.Label)); !ok || back != n.Label {
			t.Errorf("label %q does not read back from DOT", n.Label)
		}
	}
}

// TestGraphviz renders every golden DOT file and the escaping flow with
// Graphviz, when it is installed (CI must have it), and checks that Graphviz
// draws each label of the escaping flow as the text it holds: no entity
// decoded, no backslash escape expanded.
func TestGraphviz(t *testing.T) {
	dotPath, err := exec.LookPath("dot")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("Graphviz dot is not installed, and CI must run this test (apt-get install graphviz)")
		}
		t.Skip("SKIPPING: Graphviz dot is not installed, so the DOT output is not rendered (apt-get install graphviz)")
	}
	files, _ := filepath.Glob("testdata/*.dot")
	for _, path := range append(files, "testdata/structure.flow") {
		src := []byte(nil)
		if strings.HasSuffix(path, ".flow") {
			src = []byte(render(t, Build(parseFile(t, path)), "dot"))
		} else if src, err = os.ReadFile(path); err != nil {
			t.Fatal(err)
		}
		out := runDot(t, dotPath, "-Tsvg", src)
		if !strings.Contains(string(out), "<svg") {
			t.Errorf("dot -Tsvg %s:\n%.500s", path, out)
		}
	}

	g := Build(parseFile(t, "testdata/escape.flow"))
	var drawn struct {
		Objects []struct {
			Name  string `json:"name"`
			LDraw []struct {
				Op   string `json:"op"`
				Text string `json:"text"`
			} `json:"_ldraw_"`
		} `json:"objects"`
	}
	if err := json.Unmarshal(runDot(t, dotPath, "-Tjson", []byte(render(t, g, "dot"))), &drawn); err != nil {
		t.Fatal(err)
	}
	texts := map[string]string{}
	for _, o := range drawn.Objects {
		var lines []string
		for _, d := range o.LDraw {
			if d.Op == "T" {
				lines = append(lines, d.Text)
			}
		}
		texts[o.Name] = strings.Join(lines, "\n")
	}
	for _, n := range g.Nodes {
		if got, ok := texts[n.ID]; !ok || got != n.Label {
			t.Errorf("Graphviz draws node %s as %q, want %q", n.ID, got, n.Label)
		}
	}
}

// runDot runs Graphviz on src and fails the test on any error or warning.
func runDot(t *testing.T, dotPath, format string, src []byte) []byte {
	t.Helper()
	cmd := exec.Command(dotPath, format)
	cmd.Stdin = bytes.NewReader(src)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("dot %s: %v\n%.500s", format, err, stderr.Bytes())
	}
	return out
}
