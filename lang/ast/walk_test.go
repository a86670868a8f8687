package ast_test

import (
	goast "go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/callflow/callflow/lang/ast"
	flowparser "github.com/callflow/callflow/lang/parser"
)

// walkFiles are the shipped flows and testdata/every.flow, which uses every
// kind of node.
func walkFiles(t *testing.T) map[string]*ast.File {
	t.Helper()
	paths, err := filepath.Glob("../../flows/*.flow")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no shipped flows: %v", err)
	}
	out := map[string]*ast.File{}
	for _, p := range append(paths, "testdata/every.flow") {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		f, ds := flowparser.ParseFile(p, src)
		if ds.HasErrors() {
			t.Fatalf("%s: %v", p, ds)
		}
		out[p] = f
	}
	return out
}

// reachable lists every node of the tree by reflection, independently of
// the walker: each non-nil pointer implementing ast.Node in a field, a
// slice or an interface, except the floating File.Comments.
func reachable(f *ast.File) map[ast.Node]bool {
	out := map[ast.Node]bool{}
	nodeType := reflect.TypeFor[ast.Node]()
	var visit func(v reflect.Value)
	visit = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Interface:
			if !v.IsNil() {
				visit(v.Elem())
			}
		case reflect.Pointer:
			if v.IsNil() {
				return
			}
			if v.Type().Implements(nodeType) {
				n := v.Interface().(ast.Node)
				if out[n] {
					return
				}
				out[n] = true
			}
			visit(v.Elem())
		case reflect.Struct:
			for i := range v.NumField() {
				if v.Type() == reflect.TypeFor[ast.File]() && v.Type().Field(i).Name == "Comments" {
					continue
				}
				visit(v.Field(i))
			}
		case reflect.Slice:
			for i := range v.Len() {
				visit(v.Index(i))
			}
		}
	}
	visit(reflect.ValueOf(f))
	return out
}

func TestInspectVisitsEveryNode(t *testing.T) {
	for path, f := range walkFiles(t) {
		want := reachable(f)
		seen := map[ast.Node]int{}
		ast.Inspect(f, func(n ast.Node) bool {
			if n != nil {
				seen[n]++
			}
			return true
		})
		for n := range want {
			if seen[n] != 1 {
				t.Errorf("%s: %T at %s visited %d times, want once", path, n, n.Span(), seen[n])
			}
		}
		for n := range seen {
			if !want[n] {
				t.Errorf("%s: visited %T at %s, which is not in the tree", path, n, n.Span())
			}
		}
	}
}

// TestWalkReachesEveryKind fails when a node kind is added to package ast
// without a case in walk.go and a use in testdata/every.flow: every struct
// embedding Base must be met by the walk.
func TestWalkReachesEveryKind(t *testing.T) {
	kinds := nodeKinds(t)
	met := map[string]bool{}
	for _, f := range walkFiles(t) {
		ast.Inspect(f, func(n ast.Node) bool {
			if n != nil {
				met[reflect.TypeOf(n).Elem().Name()] = true
			}
			return true
		})
	}
	for _, k := range kinds {
		if k == "Comment" {
			continue // floating, in File.Comments
		}
		if !met[k] {
			t.Errorf("the walk never meets ast.%s: add its case to walk.go and a use of it to testdata/every.flow", k)
		}
	}
	if len(kinds) < 30 {
		t.Fatalf("found only %d node kinds in the package source: %v", len(kinds), kinds)
	}
}

// nodeKinds reads the package's source for struct types embedding Base.
func nodeKinds(t *testing.T) []string {
	t.Helper()
	fset := token.NewFileSet()
	paths, _ := filepath.Glob("*.go")
	var out []string
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			gd, ok := d.(*goast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, s := range gd.Specs {
				if ts := s.(*goast.TypeSpec); embedsBase(ts) {
					out = append(out, ts.Name.Name)
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

func embedsBase(ts *goast.TypeSpec) bool {
	st, ok := ts.Type.(*goast.StructType)
	if !ok {
		return false
	}
	for _, fl := range st.Fields.List {
		if id, ok := fl.Type.(*goast.Ident); ok && len(fl.Names) == 0 && id.Name == "Base" {
			return true
		}
	}
	return false
}
