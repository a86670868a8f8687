package format_test

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/diff"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/format"
	"github.com/callflow/callflow/lang/parser"
)

var update = flag.Bool("update", false, "rewrite the .golden files in testdata from the .input files")

// TestGolden formats every testdata/*.input and compares the result with
// the .golden file beside it; -update rewrites the golden files.
func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/*.input")
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no testdata/*.input: %v", err)
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".input")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			got, err := format.Source(in, src)
			if err != nil {
				t.Fatal(err)
			}
			golden := strings.TrimSuffix(in, ".input") + ".golden"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("formatting %s differs from %s (go test -update rewrites it):\n%s",
					in, golden, diff.Diff(golden, want, "got", got))
			}
		})
	}
}

// TestGoldenIdempotent checks that every golden file, and every shipped
// flow, is its own canonical form.
func TestGoldenIdempotent(t *testing.T) {
	goldens, _ := filepath.Glob("testdata/*.golden")
	flows, _ := filepath.Glob("../../flows/*.flow")
	if len(goldens) == 0 || len(flows) == 0 {
		t.Fatal("no golden files or shipped flows")
	}
	for _, p := range append(goldens, flows...) {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		got, err := format.Source(p, src)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		if !bytes.Equal(got, src) {
			t.Errorf("%s does not format to itself:\n%s", p, diff.Diff(p, src, "formatted", got))
		}
	}
}

func TestSource(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"header only", "flow x", "flow x\n"},
		{"leading blank lines and semicolons", "\n\n;\nflow x ;;\n\n\n", "flow x\n"},
		{"version", "flow  x   version   1\nhandler h {}\n", "flow x version 1\n\nhandler h {}\n"},
		{"comment without final newline", "flow x\n# end", "flow x\n# end\n"},
		{"CRLF", "flow x\r\n# c  \r\nhandler h {\r\n  hangup\r\n}\r\n", "flow x\n\n# c\nhandler h {\n  hangup\n}\n"},
		{"blank lines in a block", "flow x\nhandler h {\n\n\n  say \"a\"\n\n\n\n  hangup\n\n}\n", "flow x\n\nhandler h {\n  say \"a\"\n\n  hangup\n}\n"},
		{"one-line block with a comment after it", "flow x\nhandler h { say \"a\"; hangup } # c\n", "flow x\n\nhandler h {\n  say \"a\"\n  hangup\n}  # c\n"},
		{"raw string over two lines", "flow x\nhandler h {\n say `a\n  b`   # c\n hangup\n}\n", "flow x\n\nhandler h {\n  say `a\n  b`  # c\n  hangup\n}\n"},
		{"groups", "flow x\ntarget 8x8\nconst a = 1\nhours o \"Mon 09:00-10:00\" tz \"UTC\"\n\n\nconst b = 2\nwhen true -> h\nhandler h {}\nhandler i {}\ntest \"t\" {}\n",
			"flow x\n\ntarget 8x8\n\nconst a = 1\nhours o \"Mon 09:00-10:00\" tz \"UTC\"\n\nconst b = 2\n\nwhen true -> h\n\nhandler h {}\n\nhandler i {}\n\ntest \"t\" {}\n"},
		{"forced blank line goes before leading comments", "flow x\ntarget 8x8\n# consts\nconst a = 1\n", "flow x\n\ntarget 8x8\n\n# consts\nconst a = 1\n"},
		{"options without values do not widen the column", "flow x\nhandler h {\n campaign \"c\" {\n  script \"s\"\n  auto_pause\n  cid \"1\"\n }\n}\n",
			"flow x\n\nhandler h {\n  campaign \"c\" {\n    script \"s\"\n    auto_pause\n    cid    \"1\"\n  }\n}\n"},
		{"a comment line ends an aligned run", "flow x\nconst a = 1\nconst bb = 2\n# c\nconst ccc = 3\n", "flow x\n\nconst a  = 1\nconst bb = 2\n# c\nconst ccc = 3\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := format.Source("x.flow", []byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
			again, err := format.Source("x.flow", got)
			if err != nil || !bytes.Equal(again, got) {
				t.Errorf("not idempotent (%v):\n%s", err, again)
			}
		})
	}
}

// A file that does not parse is an error carrying the parser's diagnostics.
func TestSourceSyntaxError(t *testing.T) {
	for _, src := range []string{
		"flow x\nhandler h {\n  hangup now\n}\n",
		"flow x\nhandler h {\n  say \"a\" hangup\n}\n", // two statements without ;
		"handler h {}\n",
		"",
	} {
		out, err := format.Source("bad.flow", []byte(src))
		var se *format.SyntaxError
		if !errors.As(err, &se) || out != nil {
			t.Errorf("Source(%q) = %q, %v; want a *SyntaxError", src, out, err)
			continue
		}
		if !se.Diagnostics.HasErrors() || se.Diagnostics[0].Code != diag.Syntax && se.Diagnostics[0].Code != diag.EmptyFile {
			t.Errorf("Source(%q): diagnostics %v", src, se.Diagnostics)
		}
		if !strings.HasPrefix(err.Error(), "bad.flow:") {
			t.Errorf("Source(%q): error %q does not name the file", src, err)
		}
	}
}

// Diff sees every change of meaning and ignores positions.
func TestDiff(t *testing.T) {
	base := "flow x\nconst a = 1 # c\nhandler h {\n  say \"hi\" speed 1\n  capture p { prompt \"x\"; contact y {} }\n}\n"
	parse := func(src string) *ast.File {
		f, ds := parser.ParseFile("x.flow", []byte(src))
		if f == nil || ds.HasErrors() {
			t.Fatalf("%q: %v", src, ds)
		}
		return f
	}
	a := parse(base)
	if d := format.Diff(a, parse("\n\nflow   x\n\nconst a=1    # c   \nhandler h { say \"hi\"   speed 1; capture p {\nprompt \"x\"\ncontact y {}\n}\n}")); d != "" {
		t.Errorf("layout alone made a difference: %s", d)
	}
	for _, changed := range []string{
		"flow y\nconst a = 1 # c\nhandler h {\n  say \"hi\" speed 1\n  capture p { prompt \"x\"; contact y {} }\n}\n",
		"flow x\nconst a = 2 # c\nhandler h {\n  say \"hi\" speed 1\n  capture p { prompt \"x\"; contact y {} }\n}\n",
		"flow x\nconst a = 1 # d\nhandler h {\n  say \"hi\" speed 1\n  capture p { prompt \"x\"; contact y {} }\n}\n",
		"flow x\nconst a = 1\nhandler h {\n  say \"hi\" speed 1\n  capture p { prompt \"x\"; contact y {} }\n}\n",
		"flow x\nconst a = 1 # c\nhandler h {\n  say \"hi\" repeat 1\n  capture p { prompt \"x\"; contact y {} }\n}\n",
		"flow x\nconst a = 1 # c\nhandler h {\n  say \"hi\"\n  capture p { prompt \"x\"; contact y {} }\n}\n",
		"flow x\nconst a = 1 # c\nhandler h {\n  say \"hi\" speed 1\n  capture p { prompt \"x\"; contact y }\n}\n",
		"flow x\nconst a = 1 # c\nhandler h {\n  say \"hi\" speed 1\n  capture p { prompt \"x\"; contact y {}; tries 1 }\n}\n",
		"flow x\nconst a = 1 # c\nhandler h {\n  say  \"hi\" speed 1\n  capture p { prompt  \"x\" ; contact y {} }\n  hangup\n}\n",
	} {
		if format.Diff(a, parse(changed)) == "" {
			t.Errorf("no difference seen between\n%s\nand\n%s", base, changed)
		}
	}
}
