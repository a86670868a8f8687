package parser_test

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/parser"
	"github.com/callflow/callflow/lang/source"
)

// FuzzParse checks, for any input: the parser never panics; every
// diagnostic's span lies within the file (0 <= offsets <= len(src), line and
// column agree with the offset); when the parse yields a file, every span
// in its tree does too; and a file the whole-file parser (the parser before
// recovery, ParseWhole) accepts parses to the very same tree with the same
// diagnostics. Seeds are the shipped flows and some broken ones, in
// testdata/fuzz-seeds.
func FuzzParse(f *testing.F) {
	seeds, err := filepath.Glob("testdata/fuzz-seeds/*.flow")
	if err != nil || len(seeds) == 0 {
		f.Fatalf("no seeds in testdata/fuzz-seeds: %v", err)
	}
	for _, p := range seeds {
		src, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file, ds := parser.ParseFile("f.flow", src)
		sf := source.NewFile("f.flow", src)
		if whole, wds := parser.ParseWhole("f.flow", src); whole != nil {
			if !reflect.DeepEqual(file, whole) || !reflect.DeepEqual(ds, wds) {
				t.Fatalf("a file the whole-file parser accepts parses differently:\n%v\nwant\n%v", ds, wds)
			}
		}
		for _, d := range ds {
			checkSpan(t, sf, d.Subject, "diagnostic "+d.Error())
			for _, r := range d.Related {
				checkSpan(t, sf, r.Span, "related span of "+d.Error())
			}
			if d.Summary == "" {
				t.Errorf("diagnostic without a summary: %v", d)
			}
		}
		if file == nil {
			if len(ds) == 0 {
				t.Fatal("no file and no diagnostic")
			}
			return
		}
		if file.Flow == nil {
			t.Fatal("a file without a flow name")
		}
		walkSpans(t, sf, reflect.ValueOf(file), "File")
	})
}

// checkSpan fails unless s is a span of sf: offsets inside the file, in
// order, with the line and column their offsets give.
func checkSpan(t *testing.T, sf *source.File, s source.Span, what string) {
	t.Helper()
	if s.File != sf.Name {
		t.Fatalf("%s: span in file %q", what, s.File)
	}
	if s.Start.Line < 1 || s.Start.Offset < 0 || s.End.Offset < s.Start.Offset || s.End.Offset > len(sf.Src) {
		t.Fatalf("%s: span %d:%d@%d..%d:%d@%d is not inside the file (%d bytes)", what,
			s.Start.Line, s.Start.Col, s.Start.Offset, s.End.Line, s.End.Col, s.End.Offset, len(sf.Src))
	}
	if sf.Pos(s.Start.Offset) != s.Start || sf.Pos(s.End.Offset) != s.End {
		t.Fatalf("%s: span %v..%v disagrees with its offsets", what, s.Start, s.End)
	}
}

var (
	spanType = reflect.TypeFor[source.Span]()
	baseType = reflect.TypeFor[ast.Base]()
)

// walkSpans checks every span in the tree under v. A node's own span
// (ast.Base) must be set; other spans (a version, a closing brace) may be
// unset.
func walkSpans(t *testing.T, sf *source.File, v reflect.Value, path string) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkSpans(t, sf, v.Elem(), path)
		}
	case reflect.Slice:
		for i := range v.Len() {
			walkSpans(t, sf, v.Index(i), path+"[]")
		}
	case reflect.Struct:
		switch v.Type() {
		case spanType:
			if s := v.Interface().(source.Span); s != (source.Span{}) {
				checkSpan(t, sf, s, path)
			}
			return
		case baseType:
			checkSpan(t, sf, v.Interface().(ast.Base).At, path)
			return
		}
		for i := range v.NumField() {
			walkSpans(t, sf, v.Field(i), path+"."+v.Type().Field(i).Name)
		}
	}
}

// TestFuzzSeedsParse keeps the seeds honest: the shipped flows among them
// parse without a diagnostic.
func TestFuzzSeedsParse(t *testing.T) {
	shipped, _ := filepath.Glob("../../flows/*.flow")
	for _, p := range shipped {
		seed := filepath.Join("testdata/fuzz-seeds", filepath.Base(p))
		src, err := os.ReadFile(seed)
		if err != nil {
			t.Errorf("shipped flow %s is not a fuzz seed: %v", filepath.Base(p), err)
			continue
		}
		if f, ds := parser.ParseFile(seed, src); f == nil || len(ds) > 0 {
			t.Errorf("%s: %v", seed, ds)
		}
	}
}
