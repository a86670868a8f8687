package exprs

import (
	"reflect"
	"testing"
)

// TestCacheKeysByEnvironment checks that a cached expression is reused
// only in an environment whose names have the same types, that its
// diagnostics point where it now stands, and that Sweep drops what the
// last check did not use.
func TestCacheKeysByEnvironment(t *testing.T) {
	c := NewCache()
	withInt := NewEnv()
	withInt.UseCache(c)
	withInt.Define("n", 1, ConstName)
	cx, d, _ := compileAt(t, withInt, `say «n + 1»`)
	if d != nil || cx.Type != reflect.TypeFor[int]() {
		t.Fatalf("n + 1 with an int n: %v, %v", cx, d)
	}
	again, _, _ := compileAt(t, withInt, `set x = «n + 1»`)
	if again != cx {
		t.Error("the same text in the same environment was compiled again")
	}
	withString := NewEnv()
	withString.UseCache(c)
	withString.Define("n", "one", ConstName)
	if cx, d, _ := compileAt(t, withString, `say «n + 1»`); d == nil {
		t.Fatalf("n + 1 with a string n compiled (to %v) from the cache", cx.Type)
	}
	_, d1, _ := compileAt(t, withString, `say «n + 1»`)
	_, d2, _ := compileAt(t, withString, `  set x = «n + 1»`)
	if d1 == nil || d2 == nil || d2.Subject.Start.Col-d1.Subject.Start.Col != len("  set x = ")-len("say ") {
		t.Fatalf("a cached error is not placed where the expression stands: %v, %v", d1, d2)
	}
	if c.Sweep(); c.Len() != 2 {
		t.Fatalf("after a check the cache holds %d outcomes, want 2", c.Len())
	}
	compileAt(t, withInt, `say «n + 1»`)
	if c.Sweep(); c.Len() != 1 {
		t.Fatalf("after a check that used one of them the cache holds %d outcomes, want 1", c.Len())
	}
}
