package runtime_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/runtime"
)

// Every platform the runtime speaks has compile-time facts in lang/platform
// and exactly one declaration in the registry, with routes, an adapter of
// its name and an authentication for each secret it names.
func TestRegistryDeclarations(t *testing.T) {
	if got, want := runtime.PlatformNames(), lplatform.Names(); !slices.Equal(got, want) {
		t.Errorf("the registry has %v, lang/platform declares %v: each platform needs both", got, want)
	}
	for _, d := range runtime.Platforms() {
		if d.Adapter == nil || d.Adapter.Name() != d.Name() {
			t.Errorf("%s: the adapter is missing or has another name", d.Name())
		}
		if len(d.Routes) == 0 || d.Recognize == nil {
			t.Errorf("%s: no routes or no recognizer", d.Name())
		}
		if len(d.Secrets) > 0 && d.Authenticate == nil {
			t.Errorf("%s: names secrets but authenticates nothing", d.Name())
		}
	}
}

// switchesAllowed are the places outside a platform's own package that may
// still name a platform, each with why; the goal is that adding a platform
// touches its package, its row in lang/platform, its test data and its
// registry line, and nothing else.
var switchesAllowed = map[string]string{
	"runtime/server/auth.go":                    "Auth's named fields from before Auth.Secrets (EightByEight, Tencent, Trigger), kept for API compatibility",
	"runtime/flowtest/expect.go":                `case "callback" is the expect statement's step kind, which shares the platform's name`,
	"cmd/callflow/internal/lsp/completion.go":   `case "callback" is the callback block (a step), whose options complete to nothing`,
	"cmd/callflow/internal/cli/serve_budget.go": "--tencent-budget is --budget tencent=D, kept for older scripts",
}

// TestNoSwitchOnPlatformNames counts the comparisons and switch cases on a
// platform's name (a string literal such as "8x8", or an adapter package's
// Name constant) in the non-test Go files outside each platform's own
// package, lang/platform (the facts), the registry and lang/flowgen (the
// random flows of the tests: test data). There must be none beyond
// switchesAllowed.
func TestNoSwitchOnPlatformNames(t *testing.T) {
	names := map[string]bool{}
	for _, n := range lplatform.Names() {
		names[n] = true
	}
	own := map[string]bool{"lang/platform": true, "lang/flowgen": true, "runtime/trigger": true,
		"runtime/storetest": true} // the stores' conformance tests: test data keyed by platform
	for _, d := range runtime.Platforms() {
		own[adapterDir(d.Adapter)] = true
	}
	root := filepath.Join("..")
	found := 0
	err := filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(path, root+string(filepath.Separator)))
		if e.IsDir() {
			if own[rel] || e.Name() == "testdata" || rel == "bench" || strings.HasPrefix(e.Name(), ".") && rel != ".." {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") || rel == "runtime/platforms.go" {
			return nil
		}
		for _, at := range nameSwitches(t, path, names, own) {
			if _, ok := switchesAllowed[rel]; ok {
				continue
			}
			found++
			t.Errorf("%s: switches on a platform's name; read its declaration instead (runtime.LookupPlatform, lang/platform)", at)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d switches on platform names outside their packages, the facts and the registry", found)
}

// adapterDir is the module-relative folder of an adapter's package.
func adapterDir(a any) string {
	ty := reflect.TypeOf(a)
	if ty.Kind() == reflect.Pointer {
		ty = ty.Elem()
	}
	p := ty.PkgPath()
	return strings.TrimPrefix(p, "github.com/callflow/callflow/")
}

// nameSwitches returns where file compares with, or switches on, a
// platform name: a string literal in names, or a selector X.Name whose X
// is a package (an adapter's Name constant).
func nameSwitches(t *testing.T, path string, names, own map[string]bool) []string {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	adapterPkgs := map[string]bool{} // the names adapter packages are imported as
	for _, im := range f.Imports {
		p, _ := strconv.Unquote(im.Path.Value)
		if !own[strings.TrimPrefix(p, "github.com/callflow/callflow/")] || strings.HasPrefix(p, "github.com/callflow/callflow/lang/") {
			continue
		}
		name := p[strings.LastIndexByte(p, '/')+1:]
		if im.Name != nil {
			name = im.Name.Name
		}
		adapterPkgs[name] = true
	}
	isName := func(e ast.Expr) bool {
		switch e := e.(type) {
		case *ast.BasicLit:
			s, err := strconv.Unquote(e.Value)
			return e.Kind == token.STRING && err == nil && names[s]
		case *ast.SelectorExpr:
			x, ok := e.X.(*ast.Ident)
			return ok && adapterPkgs[x.Name] && e.Sel.Name == "Name"
		}
		return false
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BinaryExpr:
			if (n.Op == token.EQL || n.Op == token.NEQ) && (isName(n.X) || isName(n.Y)) {
				out = append(out, fset.Position(n.Pos()).String())
			}
		case *ast.CaseClause:
			for _, e := range n.List {
				if isName(e) {
					out = append(out, fset.Position(e.Pos()).String())
				}
			}
		case *ast.CallExpr: // m.Handle("/hooks/tencent", …)
			for _, a := range n.Args {
				if lit, ok := a.(*ast.BasicLit); ok && lit.Kind == token.STRING && (isName(lit) && !isStep(lit) || strings.HasPrefix(strings.Trim(lit.Value, `"`), "/hooks/")) {
					out = append(out, fset.Position(a.Pos()).String())
				}
			}
		}
		return true
	})
	return out
}

// isStep reports whether a string literal is also a step's name (callback
// is a platform and a step): a formatter writing the keyword names no
// platform.
func isStep(lit *ast.BasicLit) bool {
	s, _ := strconv.Unquote(lit.Value)
	return len(lplatform.Supporting(lplatform.Step(s))) > 0
}
