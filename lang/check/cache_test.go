package check

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/callflow/callflow/lang/flowgen"
	"github.com/callflow/callflow/lang/parser"
	"github.com/callflow/callflow/lang/source"
)

// TestCacheGivesTheFreshCheck edits a generated flow of many handlers, as
// an editor does, version by version, and checks that each check with the
// cache of the versions before gives exactly what a check without one
// gives: the diagnostics, and every expression's compile and value. The
// edits touch nothing, move half the handlers, change one handler, and
// change the flow-wide facts the kept compiles depend on.
func TestCacheGivesTheFreshCheck(t *testing.T) {
	src := []byte("# 0\n" + flowgen.Flow(64<<10))
	mid := func(s []byte, word string) int { return len(s)/2 + bytes.Index(s[len(s)/2:], []byte(word)) }
	edits := []struct {
		name string
		edit func([]byte) []byte
	}{
		{"a comment", func(s []byte) []byte { return replaceAt(s, 2, 1, "1") }},
		{"a dead step", func(s []byte) []byte { return replaceAt(s, mid(s, "{\n  say ")+2, 0, "  hangup\n") }},
		{"a comment again", func(s []byte) []byte { return replaceAt(s, 2, 1, "2") }},
		{"a newline mid-file", func(s []byte) []byte { return replaceAt(s, mid(s, "\nhandler "), 0, "\n") }},
		{"a say text", func(s []byte) []byte { return replaceAt(s, mid(s, "branch ")+len("branch "), 1, "7") }},
		{"a const's value", func(s []byte) []byte {
			return replaceAll(s, `const sales = "+6587654321"`, `const sales = "+6587654322"`)
		}},
		{"a const's type", func(s []byte) []byte { return replaceAll(s, `const sales = "+6587654322"`, `const sales = 6587654322`) }},
		{"a const that fails", func(s []byte) []byte { return replaceAll(s, `const sales = 6587654322`, `const sales = int("x")`) }},
		{"the const back", func(s []byte) []byte { return replaceAll(s, `const sales = int("x")`, `const sales = "+6587654321"`) }},
		{"a new const", func(s []byte) []byte { return replaceAt(s, bytes.Index(s, []byte("hours ")), 0, "const extra = 3\n") }},
		{"a handler renamed", func(s []byte) []byte { return replaceAll(s, "handler vip0 {", "handler vip0x {") }},
		{"a syntax error mid-file", func(s []byte) []byte { return replaceAt(s, mid(s, "\nhandler "), 0, "\nsay {\n") }},
		{"a newline before it", func(s []byte) []byte { return replaceAt(s, mid(s, "\nhandler ")-100, 0, "\n") }},
		{"the error fixed", func(s []byte) []byte { return replaceAll(s, "\nsay {\n", "\n") }},
		{"another target", func(s []byte) []byte { return replaceAll(s, "target 8x8", "target twilio") }},
	}
	cache, parses := NewCache(), parser.NewCache()
	check(t, "the flow", src, cache, parses)
	for _, e := range edits {
		next := e.edit(src)
		if bytes.Equal(next, src) {
			t.Fatalf("%s: the edit changes nothing", e.name)
		}
		src = next
		check(t, e.name, src, cache, parses)
	}
}

// check checks src with the caches and without, and compares.
func check(t *testing.T, name string, src []byte, cache *Cache, parses *parser.Cache) {
	t.Helper()
	got := checkView(src, cache, parses)
	cache.Sweep()
	want := checkView(src, nil, nil)
	if !reflect.DeepEqual(got, want) {
		for i := range min(len(got), len(want)) {
			if got[i] != want[i] {
				t.Fatalf("%s: with the cache %q, without %q", name, got[i], want[i])
			}
		}
		t.Fatalf("%s: %d lines with the cache, %d without", name, len(got), len(want))
	}
}

// checkView is what a check of src says, as lines: each diagnostic, and
// each expression compiled with its type and names and its value.
func checkView(src []byte, cache *Cache, parses *parser.Cache) []string {
	f := source.NewFile("f.flow", src)
	var opts []parser.Option
	if parses != nil {
		opts = append(opts, parser.WithCache(parses))
	}
	tree, ds := parser.Parse(f, opts...)
	if tree == nil {
		return []string{ds.String()}
	}
	info, cds := Check(&Unit{Main: tree, Files: source.Files{f.Name: f}, Cache: cache})
	out := []string{ds.String(), cds.String()}
	var lines []string
	for x, cx := range info.Exprs {
		lines = append(lines, fmt.Sprintf("%s %s %v %v", x.At, x.Text, cx.Type, cx.Refs))
	}
	for x, v := range info.Values {
		lines = append(lines, fmt.Sprintf("%s = %T %#v", x.At, v, v))
	}
	slices.Sort(lines)
	return append(append(out, lines...), fmt.Sprint(info.Vars))
}

func replaceAt(s []byte, at, n int, with string) []byte {
	return slices.Concat(s[:at], []byte(with), s[at+n:])
}

func replaceAll(s []byte, old, with string) []byte {
	return bytes.ReplaceAll(s, []byte(old), []byte(with))
}
