package exprs

import (
	"errors"
	"net/url"
	goruntime "runtime"
	"strings"
	"testing"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/source"
)

// compileURL compiles src as a lookup URL and runs it with v as the value
// of the variable x.
func compileURL(t *testing.T, src string, v any) string {
	t.Helper()
	env := NewEnv()
	env.Define("x", "", VarName)
	env.Define("y", "", VarName)
	f := source.NewFile("t.flow", []byte(src))
	c, d := env.CompileURL(f, &ast.Expr{Base: ast.Base{At: f.Span(0, len(src))}, Text: src})
	if d != nil {
		t.Fatalf("%s: %v", src, d)
	}
	got, err := Eval(c, map[string]any{"x": v, "y": "b/c"})
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return got.(string)
}

// Each interpolation of a lookup URL is escaped for where it stands: a
// value in the query string cannot add a parameter or turn + into a space,
// a value in the path cannot add a segment.
func TestCompileURLEscapesForThePosition(t *testing.T) {
	const hostile = "a+b&c=d/e#f?g h é"
	for _, tc := range []struct{ src, want string }{
		{`"https://crm.example/c/${x}"`, "https://crm.example/c/a+b&c=d%2Fe%23f%3Fg%20h%20%C3%A9"},
		{`"https://crm.example/c?pin=${x}"`, "https://crm.example/c?pin=a%2Bb%26c%3Dd%2Fe%23f%3Fg%20h%20%C3%A9"},
		{`"https://crm.example/c/${x}?pin=${x}&n=1"`, "https://crm.example/c/a+b&c=d%2Fe%23f%3Fg%20h%20%C3%A9?pin=a%2Bb%26c%3Dd%2Fe%23f%3Fg%20h%20%C3%A9&n=1"},
		{`"https://crm.example/c#${x}"`, "https://crm.example/c#a%2Bb%26c%3Dd%2Fe%23f%3Fg%20h%20%C3%A9"},
		// A literal continues where the one before it left the URL.
		{`"https://crm.example/c?pin=" + "${x}"`, "https://crm.example/c?pin=a%2Bb%26c%3Dd%2Fe%23f%3Fg%20h%20%C3%A9"},
		// Each arm that starts with a scheme starts afresh.
		{`true ? "https://a.example/${x}" : "https://b.example/?q=${x}"`, "https://a.example/a+b&c=d%2Fe%23f%3Fg%20h%20%C3%A9"},
		{`false ? "https://a.example/?q=${x}" : "https://b.example/${x}"`, "https://b.example/a+b&c=d%2Fe%23f%3Fg%20h%20%C3%A9"},
		// A scheme only starts a URL at the start of a literal.
		{`"https://crm.example/c?next=${y}http://x/${x}"`, "https://crm.example/c?next=b%2Fchttp://x/a%2Bb%26c%3Dd%2Fe%23f%3Fg%20h%20%C3%A9"},
		{`"https://crm.example/go?to=http://other.example/${x}"`, "https://crm.example/go?to=http://other.example/a%2Bb%26c%3Dd%2Fe%23f%3Fg%20h%20%C3%A9"},
		// A string inside an interpolation is escaped once, by the
		// interpolation around it.
		{`"https://crm.example/c?q=${"1 ${y}"}"`, "https://crm.example/c?q=1%20b%2Fc"},
	} {
		got := compileURL(t, tc.src, hostile)
		if got != tc.want {
			t.Errorf("%s\n got %s\nwant %s", tc.src, got, tc.want)
		}
		u, err := url.Parse(got)
		if err != nil {
			t.Errorf("%s: %v", got, err)
			continue
		}
		if q := u.Query(); len(q) > 0 && q.Get("pin") != "" && q.Get("pin") != hostile {
			t.Errorf("%s: the server reads pin=%q", got, q.Get("pin"))
		}
	}
}

func TestQueryEscapeReadsBackUnderEitherDecoding(t *testing.T) {
	for _, s := range []string{"a+b", "a b", "x&y=z", "100%", "é/ü", ""} {
		q := QueryEscape(s)
		form, err := url.QueryUnescape(q)
		if err != nil || form != s {
			t.Errorf("%q → %q: as a form %q (%v)", s, q, form, err)
		}
		rfc, err := url.PathUnescape(q)
		if err != nil || rfc != s {
			t.Errorf("%q → %q: as RFC 3986 %q (%v)", s, q, rfc, err)
		}
	}
}

// Whatever a value holds, the server reads it back as one path segment and
// as one query value, and the URL keeps its shape.
func FuzzCompileURLRoundTrip(f *testing.F) {
	for _, s := range []string{"a+b&c=d/e#f?g h é", "..", "%zz", "", "\x00\xff", "?#&=;+"} {
		f.Add(s)
	}
	env := NewEnv()
	env.Define("x", "", VarName)
	const src = `"https://crm.example/c/${x}/d?q=${x}&n=1#${x}"`
	file := source.NewFile("t.flow", []byte(src))
	c, d := env.CompileURL(file, &ast.Expr{Base: ast.Base{At: file.Span(0, len(src))}, Text: src})
	if d != nil {
		f.Fatal(d)
	}
	f.Fuzz(func(t *testing.T, v string) {
		got, err := Eval(c, map[string]any{"x": v})
		if err != nil {
			t.Fatal(err)
		}
		u, err := url.Parse(got.(string))
		if err != nil {
			t.Fatalf("%q: %v", got, err)
		}
		segs := strings.Split(u.EscapedPath(), "/")
		if len(segs) != 4 || segs[1] != "c" || segs[3] != "d" {
			t.Fatalf("%q: the path has the segments %q", got, segs)
		}
		if seg, err := url.PathUnescape(segs[2]); err != nil || seg != v {
			t.Errorf("%q: the segment reads %q (%v), want %q", got, seg, err, v)
		}
		q := u.Query()
		if len(q) != 2 || q.Get("n") != "1" || q.Get("q") != v {
			t.Errorf("%q: the query reads %v, want q=%q and n=1", got, q, v)
		}
		if frag, err := url.QueryUnescape(u.EscapedFragment()); err != nil || frag != v {
			t.Errorf("%q: the fragment reads %q (%v), want %q", got, frag, err, v)
		}
	})
}

// Every interpolation of a lookup URL is charged to the budget before it
// prints, wherever it stands: a list of references to one large string
// builds nothing until it is printed, and then prints as megabytes. The
// interpolation itself refuses, having allocated nothing of the kind.
func TestURLInterpolationsAreBounded(t *testing.T) {
	big := strings.Repeat("x", 20_000)
	refs := make([]any, 100) // prints as 2 MB, over MaxValue
	for i := range refs {
		refs[i] = big
	}
	for _, src := range []string{
		`"https://crm.example.com/p/${x}"`,
		`"https://crm.example.com/p?q=${x}"`,
		`"https://crm.example.com/p#${x}"`,
	} {
		env := NewEnv()
		env.Define("x", "", VarName)
		f := source.NewFile("t.flow", []byte(src))
		c, d := env.CompileURL(f, &ast.Expr{Base: ast.Base{At: f.Span(0, len(src))}, Text: src})
		if d != nil {
			t.Fatalf("%s: %v", src, d)
		}
		var before, after goruntime.MemStats
		goruntime.ReadMemStats(&before)
		_, err := Eval(c, map[string]any{"x": refs})
		goruntime.ReadMemStats(&after)
		var me *MemoryError
		if !errors.As(err, &me) || me.Func != "${…}" {
			t.Errorf("%s: %v, want the interpolation refused", src, err)
		}
		if n := after.TotalAlloc - before.TotalAlloc; n > MaxValue {
			t.Errorf("%s: %d bytes allocated before the refusal", src, n)
		}
	}
}
