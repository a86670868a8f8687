package parser

import (
	"bytes"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/lexer"
	"github.com/callflow/callflow/lang/source"
)

// guardCase is an input the guards reject before participle runs: the parse
// must return one diagnostic, at an exact place, quickly.
type guardCase struct {
	name      string
	src       []byte
	code      diag.Code
	line, col int
	summary   string // a substring of the summary
}

func guardCases() []guardCase {
	deepIfs := "flow deep\nhandler h {\n" + strings.Repeat("if x {\n", 100_000)
	deepParens := "flow deep\nconst x = " + strings.Repeat("(", 100_000) + "1" + strings.Repeat(")", 100_000) + "\n"
	big := "flow big\n" + strings.Repeat("# padding padding padding padding padding padding\n", (2<<20)/50)
	return []guardCase{
		{"empty", []byte(""), diag.EmptyFile, 1, 1, "file holds no flow"},
		{"blank", []byte("\n  \t\n\r\n"), diag.EmptyFile, 1, 1, "file holds no flow"},
		{"comments only", []byte("# one\n# two\n\n   # three"), diag.EmptyFile, 1, 1, "file holds no flow"},
		{"separators only", []byte("\n;\n;;\n"), diag.Syntax, 0, 0, ""}, // not empty: ";" is a token
		{"NUL", []byte("flow x\n\x00\x01\x02"), diag.BadEncoding, 2, 1, "NUL byte at offset 7"},
		{"NUL in a string", []byte("flow x\nconst a = \"a\x00\"\n"), diag.BadEncoding, 2, 13, "NUL byte"},
		{"invalid UTF-8", []byte("flow x\nsay \"caf\xe9\"\n"), diag.BadEncoding, 2, 9, "byte 0xe9 at offset 15"},
		{"truncated UTF-8", []byte("flow x # th\xe1\xbb"), diag.BadEncoding, 1, 12, "byte 0xe1 at offset 11"},
		{"2 MiB", []byte(big), diag.FileTooLarge, 1, 1, "over the 1 MiB limit"},
		{"one byte over", append([]byte("flow x\n"), bytes.Repeat([]byte("#"), MaxFileSize-7+1)...), diag.FileTooLarge, 1, 1, "over the 1 MiB limit"},
		// The 65th opener is the `{` of the 64th `if`: line 2 holds the
		// handler's brace, the first if is on line 3.
		{"100000 nested ifs", []byte(deepIfs), diag.TooDeep, 66, 6, "nesting deeper than 64"},
		{"100000 nested parens", []byte(deepParens), diag.TooDeep, 2, 11 + 64, "nesting deeper than 64"},
		{"mixed brackets", []byte("flow deep\nconst x = " + strings.Repeat("[{(", 30) + "\n"), diag.TooDeep, 2, 11 + 64, "nesting deeper than 64"},
	}
}

func TestGuards(t *testing.T) {
	// A file nested 100,000 deep would overflow participle's recursive
	// descent; the guards must reject it before participle runs, so no
	// caller needs debug.SetMaxStack. Lower the limit for this test to make
	// any regression fail fast and loudly instead of eating a gigabyte.
	defer debug.SetMaxStack(debug.SetMaxStack(32 << 20))
	for _, tc := range guardCases() {
		t.Run(tc.name, func(t *testing.T) {
			f, ds := ParseFile("guard.flow", tc.src)
			if tc.code == diag.Syntax {
				if f != nil || len(ds) != 1 || ds[0].Code != diag.Syntax {
					t.Fatalf("got file %v and %v, want one syntax error", f != nil, ds)
				}
				return
			}
			if f != nil {
				t.Errorf("got a file, want nil")
			}
			if len(ds) != 1 {
				t.Fatalf("got %d diagnostics, want 1:\n%s", len(ds), ds)
			}
			d := ds[0]
			if d.Code != tc.code || d.Severity != diag.Error {
				t.Errorf("got %s %s, want error %s", d.Severity, d.Code, tc.code)
			}
			if d.Subject.Start.Line != tc.line || d.Subject.Start.Col != tc.col {
				t.Errorf("at %d:%d, want %d:%d", d.Subject.Start.Line, d.Subject.Start.Col, tc.line, tc.col)
			}
			if d.Subject.File != "guard.flow" || d.Subject.End.Offset < d.Subject.Start.Offset || d.Subject.End.Offset > len(tc.src) {
				t.Errorf("span %+v is not inside the file", d.Subject)
			}
			if !strings.Contains(d.Summary, tc.summary) {
				t.Errorf("summary %q does not contain %q", d.Summary, tc.summary)
			}
			if d.Detail == "" {
				t.Errorf("no sentence on what to do")
			}
		})
	}
}

// TestGuardsRunBeforeParticiple checks that the diagnostic Parse returns for
// each guarded input is the one checkBytes or checkTokens produce on their
// own: Parse returns it before participle is handed a token.
func TestGuardsRunBeforeParticiple(t *testing.T) {
	for _, tc := range guardCases() {
		if tc.code == diag.Syntax {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			f := source.NewFile("guard.flow", tc.src)
			want := checkBytes(f)
			if want == nil {
				toks, err := lexer.Tokens(f.Name, f.Src)
				if err != nil {
					t.Fatalf("lexer: %v", err)
				}
				want = checkTokens(f, toks)
			}
			if want == nil {
				t.Fatal("no guard rejects this input")
			}
			_, ds := Parse(f)
			if len(ds) != 1 || ds[0].Error() != want.Error() {
				t.Errorf("Parse returned %v, the guard %v", ds, want)
			}
		})
	}
}

// TestNestingAtTheLimit parses nesting of exactly MaxDepth: it is accepted.
func TestNestingAtTheLimit(t *testing.T) {
	src := "flow deep\nhandler h {\n" + strings.Repeat("if x {\n", MaxDepth-1) + strings.Repeat("}\n", MaxDepth) +
		"const y = " + strings.Repeat("(", MaxDepth) + "1" + strings.Repeat(")", MaxDepth) + "\n"
	f, ds := ParseFile("deep.flow", []byte(src))
	if f == nil || len(ds) != 0 {
		t.Fatalf("nesting of %d: %v", MaxDepth, ds)
	}
	src = strings.Replace(src, "const y = (", "const y = ((", 1)
	src = strings.Replace(src, "1)", "1))", 1)
	if _, ds := ParseFile("deep.flow", []byte(src)); len(ds) != 1 || ds[0].Code != diag.TooDeep {
		t.Fatalf("nesting of %d: %v", MaxDepth+1, ds)
	}
}

// TestFileSizeAtTheLimit: exactly MaxFileSize bytes are accepted.
func TestFileSizeAtTheLimit(t *testing.T) {
	head := "flow big\n"
	src := head + strings.Repeat("#", MaxFileSize-len(head))
	f, ds := ParseFile("big.flow", []byte(src))
	if f == nil || len(ds) != 0 {
		t.Fatalf("a file of exactly %d bytes: %v", MaxFileSize, ds)
	}
}
