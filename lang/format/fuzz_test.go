package format_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/format"
	"github.com/callflow/callflow/lang/parser"
)

// FuzzFormat checks, for every input that parses: formatting succeeds, its
// output parses to the same tree (Source checks that itself, so an error
// here is a bug), and formatting the output again changes nothing. Seeds
// are the testdata inputs and goldens and the shipped flows.
func FuzzFormat(f *testing.F) {
	var seeds []string
	for _, pattern := range []string{"testdata/*.input", "testdata/*.golden", "../../flows/*.flow"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, m...)
	}
	if len(seeds) == 0 {
		f.Fatal("no seeds")
	}
	for _, p := range seeds {
		src, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if file, ds := parser.ParseFile("f.flow", src); file == nil || ds.HasErrors() {
			if _, err := format.Source("f.flow", src); err == nil {
				t.Fatal("a file that does not parse was formatted")
			}
			return
		}
		out, err := format.Source("f.flow", src)
		if err != nil {
			t.Fatalf("%v\ninput:\n%s", err, src)
		}
		again, err := format.Source("f.flow", out)
		if err != nil {
			t.Fatalf("formatted output does not format: %v\noutput:\n%s", err, out)
		}
		if !bytes.Equal(again, out) {
			t.Fatalf("not idempotent\ninput:\n%s\nfirst:\n%s\nsecond:\n%s", src, out, again)
		}
		if fo, _ := parser.ParseFile("f.flow", out); format.Diff(fo, mustParse(t, src)) != "" {
			t.Fatalf("meaning changed: %s", format.Diff(fo, mustParse(t, src)))
		}
	})
}

func mustParse(t *testing.T, src []byte) *ast.File {
	t.Helper()
	f, ds := parser.ParseFile("f.flow", src)
	if f == nil || ds.HasErrors() {
		t.Fatalf("does not parse: %v", ds)
	}
	return f
}
