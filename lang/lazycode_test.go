package lang_test

import (
	"io/fs"
	"os"
	"path"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/flowgen"
	"github.com/callflow/callflow/lang/ir"
)

// TestLazyCodeIsEager proves that compiling an expression's bytecode when
// it first runs gives the bytecode compiling it with the flow gives
// (WithEagerCode, which is what every compile did before): for every
// expression of every flow the repository ships or tests with, and of a
// generated flow set. Those the checker computes the values of are compiled
// as they are checked either way; the lazy ones are compiled from two goroutines at
// once, as two first calls would (run it with -race).
func TestLazyCodeIsEager(t *testing.T) {
	sets := map[string]fs.FS{"flowgen": must(flowgen.FlowSet(64 << 10))}
	root := os.DirFS("..")
	err := fs.WalkDir(root, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && path.Ext(p) == ".flow" {
			sets[path.Dir(p)] = nil
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	compared, deferred := 0, 0
	for dir, fsys := range sets {
		if fsys == nil {
			fsys = must(fs.Sub(root, dir))
		}
		c, d := compareLazyEager(t, dir, fsys)
		compared, deferred = compared+c, deferred+d
	}
	if compared < 400 || deferred < compared/2 {
		t.Errorf("compared %d expressions, %d of them compiled lazily; the shipped and generated flows have more", compared, deferred)
	}
}

// FuzzLazyCodeIsEager is TestLazyCodeIsEager for any flow: a flow that
// compiles gives the same bytecode lazily and eagerly.
func FuzzLazyCodeIsEager(f *testing.F) {
	paths, err := fs.Glob(os.DirFS("../flows"), "*.flow")
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range paths {
		f.Add(must(os.ReadFile("../flows/" + p)))
	}
	f.Add([]byte("flow f\ntarget 8x8\nconst n = 3\notherwise -> h\nhandler h {\n  set x = caller + \"${n * 2} ${caller}\"\n  say \"hi ${x}\"\n}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		compareLazyEager(t, "fuzz", fstest.MapFS{"f.flow": {Data: src}})
	})
}

// compareLazyEager compiles the flows of fsys lazily and eagerly and fails
// unless every expression has the same bytecode both ways, the lazy ones
// compiled from two goroutines at once. It returns how many expressions
// it compared and how many of them the lazy compile left to their first
// use.
func compareLazyEager(t *testing.T, dir string, fsys fs.FS) (compared, deferred int) {
	t.Helper()
	eager, _ := lang.CompileDir(fsys, lang.WithPartial(true), lang.WithEagerCode(), lang.WithPlaceholderSecrets())
	lazy, _ := lang.CompileDir(fsys, lang.WithPartial(true), lang.WithPlaceholderSecrets())
	if (eager == nil) != (lazy == nil) {
		t.Fatalf("%s: eager program %v, lazy %v", dir, eager != nil, lazy != nil)
	}
	if eager == nil {
		return 0, 0
	}
	want, got := exprsOf(eager), exprsOf(lazy)
	if len(want) != len(got) {
		t.Fatalf("%s: %d expressions eager, %d lazy", dir, len(want), len(got))
	}
	for i, x := range want {
		if x.Code != nil && !x.Code.Compiled() {
			t.Fatalf("%s: %s %q not compiled by WithEagerCode", dir, x.At, x.Src)
		}
		if y := got[i]; y.Code != nil && !y.Code.Compiled() {
			deferred++
		}
	}
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for _, x := range got {
				if x.Code != nil {
					x.Code.Program()
				}
			}
		})
	}
	wg.Wait()
	for i, x := range want {
		y := got[i]
		if x.Src != y.Src || x.At != y.At || (x.Code == nil) != (y.Code == nil) {
			t.Fatalf("%s: expression %d is %s %q eager, %s %q lazy", dir, i, x.At, x.Src, y.At, y.Src)
		}
		if x.Code == nil {
			continue
		}
		p, err := x.Code.Program()
		q, err2 := y.Code.Program()
		if err != nil || err2 != nil {
			t.Fatalf("%s: %s %q: eager %v, lazy %v", dir, x.At, x.Src, err, err2)
		}
		if p.Disassemble() != q.Disassemble() || !slices.Equal(p.Bytecode, q.Bytecode) || !slices.Equal(p.Arguments, q.Arguments) {
			t.Errorf("%s: %s %q compiles to\n%s\nlazily, and to\n%s\nwith the flow", dir, x.At, x.Src, q.Disassemble(), p.Disassemble())
		}
		compared++
	}
	return compared, deferred
}

func must[T any](v T, _ ...any) T { return v }

// exprsOf is every expression of prog, in an order that depends on prog's
// contents only: a walk of its values with maps in key order.
func exprsOf(prog *ir.Program) []*ir.Expr {
	var out []*ir.Expr
	seen := map[uintptr]bool{}
	exprType := reflect.TypeFor[*ir.Expr]()
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if v.IsNil() || seen[v.Pointer()] {
				return
			}
			seen[v.Pointer()] = true
			if v.Type() == exprType {
				out = append(out, v.Interface().(*ir.Expr))
				return
			}
			walk(v.Elem())
		case reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Struct:
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i))
				}
			}
		case reflect.Slice, reflect.Array:
			if v.Type().Elem().Kind() == reflect.Uint8 {
				return
			}
			for i := range v.Len() {
				walk(v.Index(i))
			}
		case reflect.Map:
			keys := v.MapKeys()
			slices.SortFunc(keys, func(a, b reflect.Value) int {
				if a.Kind() == reflect.String && b.Kind() == reflect.String {
					return strings.Compare(a.String(), b.String())
				}
				return 0
			})
			for _, k := range keys {
				walk(v.MapIndex(k))
			}
		}
	}
	walk(reflect.ValueOf(prog))
	return out
}
