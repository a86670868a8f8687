package exprs

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/expr-lang/expr/conf"
)

// evalSrc compiles and runs src with the names of vals defined (their
// types known only at run time, like call data) and budget b.
func evalSrc(t *testing.T, src string, vals map[string]any, b *Budget) (any, error) {
	t.Helper()
	env := NewEnv()
	for k := range vals {
		env.Define(k, nil, VarName)
	}
	c, d, _ := compileAt(t, env, "set x = «"+src+"»")
	if d != nil {
		t.Fatalf("%s: %v", src, d)
	}
	run := map[string]any{BudgetName: b}
	for k, v := range vals {
		run[k] = v
	}
	return Eval(c, run)
}

func TestMaxValueIsExprLangsBudget(t *testing.T) {
	if MaxValue != int(conf.DefaultMemoryBudget) {
		t.Errorf("MaxValue %d, expr-lang's per-evaluation budget %d: keep them one number", MaxValue, conf.DefaultMemoryBudget)
	}
}

// Every builtin that can build more than its arguments is refused before
// it allocates: the sizes here are terabytes, so a check after the fact
// would crash the test.
func TestBuiltinsRefuseBeforeAllocating(t *testing.T) {
	big := strings.Repeat("x", 60000)
	vals := map[string]any{"s": big, "n": 999999, "list": strings.Split(strings.Repeat("x,", 400000), ","),
		"deep": deepJSON(5000)}
	for _, tc := range []struct{ src, fn string }{
		{`repeat(s, n)`, "repeat"},
		{`repeat(repeat("x", 900000), 999999)`, "repeat"},
		{`join(list, s)`, "join"},
		{`replace(s, "x", s)`, "replace"},
		{`replace(s, "", s)`, "replace"},
		{`len(split(repeat(s, 16), "")) + len(split(repeat(s, 4), ""))`, "split"}, // the budget
		{`upper(repeat(s, 16))`, "upper"},
		{`lower(repeat(s, 16))`, "lower"},
		{`s + s + s + s + s + s + s + s + s + s + s + s + s + s + s + s + s`, "+"},
		{`"${s}${s}${s}${s}${s}${s}${s}${s}${s}${s}${s}${s}${s}${s}${s}${s}${s}"`, "+"},
		{`string(list) + ""`, "string"},
		{`"${list}"`, "${…}"},
		{`toJSON(list)`, "toJSON"},
		{`toJSON(fromJSON(deep))`, "toJSON"}, // small compact, huge indented
		{`fromJSON(repeat("[1]", 100000) )`, "fromJSON"},
		{`len(map(1..100000, s + s + s + s + s))`, "+"},
	} {
		_, err := evalSrc(t, tc.src, vals, new(Budget))
		var me *MemoryError
		if !errors.As(err, &me) || me.Func != tc.fn || !IsMemory(err) {
			t.Errorf("%s: err %v, want a memory error from %s", tc.src, err, tc.fn)
		}
	}
	// A range is refused before it is built, and counted.
	if _, err := evalSrc(t, `len(1..2000000)`, nil, nil); !IsMemory(err) || MemoryMessage(err) != ".. would build 2000000 elements, over the limit of 1000000" {
		t.Errorf("a 2,000,000-element range: err %v, want a memory error", err)
	}
	b := new(Budget)
	if _, err := evalSrc(t, `len(1..999999)`, nil, b); err != nil || b.Used() != 999999*ElementBytes {
		t.Errorf("a 999,999-element range: err %v, %d bytes counted, want %d", err, b.Used(), 999999*ElementBytes)
	}
	// `x in 1..N` between literals builds nothing: expr-lang compares.
	b = new(Budget)
	if v, err := evalSrc(t, `5 in 1..999999999`, nil, b); v != true || err != nil || b.Used() != 0 {
		t.Errorf("5 in 1..999999999 = %v (%v), %d bytes counted, want true and nothing built", v, err, b.Used())
	}
}

func deepJSON(depth int) string {
	return strings.Repeat("[", depth) + strings.Repeat("]", depth)
}

// The bounded builtins give what expr-lang's own give, and numbers still add.
func TestBoundedBuiltinsKeepTheirMeaning(t *testing.T) {
	vals := map[string]any{"d": map[string]any{"a": "x", "n": 2.0, "l": []any{1.0, "y"}}, "k": 3}
	for _, tc := range []struct {
		src  string
		want any
	}{
		{`repeat("ab", 3)`, "ababab"},
		{`join(["a", "b"], "-")`, "a-b"},
		{`join(split("a,b,c", ","))`, "abc"},
		{`split("a,b,c", ",", 2)`, []string{"a", "b,c"}},
		{`replace("aaa", "a", "bb")`, "bbbbbb"},
		{`replace("aaa", "a", "b", 2)`, "bba"},
		{`upper("ab") + lower("CD")`, "ABcd"},
		{`"a" + "b" + d.a + "c"`, "abxc"},
		{`k + 1`, 4},
		{`d.n + k`, 5.0},
		{`d.a + d.a`, "xx"},
		{`string(d.l)`, "[1 y]"},
		{`"${d.n} ${k}"`, "2 3"},
		{`len(keys(d)) + len(values(d))`, 6},
		{`toJSON(d)`, "{\n  \"a\": \"x\",\n  \"l\": [\n    1,\n    \"y\"\n  ],\n  \"n\": 2\n}"},
		{`fromJSON("[1, {\"a\": []}]")`, []any{1.0, map[string]any{"a": []any{}}}},
		{`map(filter([{"v": 1}, {"v": 4}, {"v": 5}], .v > 3), .v * 2)`, []any{8, 10}},
		{`map(sortBy([{"v": "b"}, {"v": "a"}], .v), .v + "!")`, []any{"a!", "b!"}},
		{`len(groupBy([{"v": "b"}, {"v": "a"}], .v))`, 2},
	} {
		got, err := evalSrc(t, tc.src, vals, new(Budget))
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s = %#v (err %v), want %#v", tc.src, got, err, tc.want)
		}
	}
}

// A string + keeps its static type, so the checker still catches misuse.
func TestConcatIsStillAString(t *testing.T) {
	c, d, _ := compileAt(t, testEnv(), `set x = «"a" + repeat(order_no, 2) + "${sales}"»`)
	if d != nil || c.Type == nil || c.Type.Kind() != reflect.String {
		t.Fatalf("type %v (%v), want string", c.Type, d)
	}
	_, d, _ = compileAt(t, testEnv(), `set x = «"a" + upperr(order_no)»`)
	if d == nil || d.Code != "unknown-function" {
		t.Errorf("%v, want unknown-function inside a patched expression", d)
	}
	_, d, _ = compileAt(t, testEnv(), `set x = «repeat(nosuch, 2)»`)
	if d == nil || d.Code != "unknown-name" {
		t.Errorf("%v, want unknown-name inside a bounded builtin", d)
	}
}

func TestBudgetIsCumulative(t *testing.T) {
	b := new(Budget)
	vals := map[string]any{"s": strings.Repeat("x", 500000)}
	var err error
	n := 0
	for ; err == nil && n < 100; n++ {
		_, err = evalSrc(t, `s + "y"`, vals, b)
	}
	if !errors.Is(err, ErrMemory) || n != 1+MaxMemory/500001 {
		t.Errorf("after %d evaluations: %v, want the budget spent at evaluation %d", n, err, 1+MaxMemory/500001)
	}
}

// indentedSize must be what json.Indent writes, or toJSON's check is wrong.
func TestIndentedSize(t *testing.T) {
	for _, v := range []any{
		nil, 1, "a\"b\\", []any{}, map[string]any{}, []any{[]any{}, map[string]any{"k": []any{1, "]"}}},
		map[string]any{"a": map[string]any{"b": map[string]any{"c": "{[,:]}"}}}, fromJSONMust(deepJSON(50)),
	} {
		compact, _ := json.Marshal(v)
		var out bytes.Buffer
		if err := json.Indent(&out, compact, "", "  "); err != nil {
			t.Fatal(err)
		}
		if n := indentedSize(compact); n != out.Len() {
			t.Errorf("%s: indentedSize %d, json.Indent wrote %d", compact, n, out.Len())
		}
	}
}

func fromJSONMust(s string) any {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		panic(err)
	}
	return v
}
