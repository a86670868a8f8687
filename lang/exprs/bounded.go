package exprs

import (
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/expr-lang/expr/builtin"
	"github.com/expr-lang/expr/conf"
)

// expr-lang bounds ranges, list and map literals and map/filter results
// itself (vm.MemoryBudget, counted before it allocates), but not the size of
// a string: repeat checks its count and not its result, and join, replace,
// string, toJSON and `+` build whatever their arguments ask for. The
// builtins below are expr-lang's own, wrapped: each computes the size of its
// result from its arguments, takes it from the evaluation's Budget, and
// only then calls expr-lang's function. The patcher (patch.go) passes the
// Budget as a hidden first argument.

// sizer is the size of a builtin's result, computed from its arguments
// without allocating; elements says the size counts list elements, not
// bytes. Arguments of unexpected types give 0: expr-lang's function then
// reports them as it always has.
type sizer func(args []any) (size int, elements bool)

var sizers = map[string]sizer{
	"repeat": func(a []any) (int, bool) {
		s, _ := a[0].(string)
		return mulBytes(len(s), toInt(a[1])), false
	},
	"join":    joinSize,
	"split":   splitSize,
	"replace": replaceSize,
	// Case mapping can turn a 2-byte rune into a 3-byte one.
	"upper":  caseSize,
	"lower":  caseSize,
	"string": func(a []any) (int, bool) { return textSize(a[0], MaxValue), false },
	// fromJSON builds about 8 bytes of Go values per byte of JSON.
	"fromJSON": func(a []any) (int, bool) { s, _ := a[0].(string); return mulBytes(len(s), 8), false },
	"keys":     mapSize,
	"values":   mapSize,
}

func caseSize(a []any) (int, bool) { s, _ := a[0].(string); return len(s) + len(s)/2, false }

func mapSize(a []any) (int, bool) {
	if v := reflect.ValueOf(a[0]); v.Kind() == reflect.Map {
		return v.Len(), true
	}
	return 0, true
}

func joinSize(a []any) (int, bool) {
	glue := ""
	if len(a) == 2 {
		glue, _ = a[1].(string)
	}
	n, count := 0, 0
	switch list := a[0].(type) {
	case []string:
		for _, s := range list {
			n += len(s)
		}
		count = len(list)
	case []any:
		for _, s := range list {
			if s, ok := s.(string); ok {
				n += len(s)
			}
		}
		count = len(list)
	}
	if count > 1 {
		n += mulBytes(len(glue), count-1)
	}
	return n, false
}

func splitSize(a []any) (int, bool) {
	s, _ := a[0].(string)
	sep, _ := a[1].(string)
	n := utf8.RuneCountInString(s)
	if sep != "" {
		n = strings.Count(s, sep) + 1
	}
	if len(a) == 3 {
		if limit := toInt(a[2]); limit >= 0 && limit < n {
			n = limit
		}
	}
	return n, true
}

func replaceSize(a []any) (int, bool) {
	s, _ := a[0].(string)
	old, _ := a[1].(string)
	repl, _ := a[2].(string)
	n := strings.Count(s, old)
	if len(a) == 4 {
		if limit := toInt(a[3]); limit >= 0 && limit < n {
			n = limit
		}
	}
	if len(repl) <= len(old) {
		return len(s), false
	}
	return len(s) + mulBytes(n, len(repl)-len(old)), false
}

func toInt(v any) int {
	switch n := v.(type) {
	case int:
		return n
	case int64:
		return int(n)
	case float64:
		if n > float64(1<<62) {
			return 1 << 62
		}
		return int(n)
	}
	return 0
}

var budgetType = reflect.TypeOf((*Budget)(nil))

// boundedBuiltins are expr-lang's builtins named in sizers, each taking the
// Budget as its first argument. They replace the builtins of the same name
// (a function shadows a builtin in expr-lang).
func boundedBuiltins() conf.FunctionsTable {
	fns := conf.FunctionsTable{"toJSON": boundedToJSON()}
	for name, size := range sizers {
		fns[name] = bounded(builtin.Builtins[builtin.Index[name]], size, name)
	}
	return fns
}

// bounded wraps f: the wrapper takes the Budget first, charges the size of
// f's result to it, and only then calls f. label names f in errors.
func bounded(f *builtin.Function, size sizer, label string) *builtin.Function {
	return &builtin.Function{
		Name: f.Name,
		Func: func(args ...any) (any, error) {
			b, _ := args[0].(*Budget)
			args = args[1:]
			n, elements := size(args)
			if err := b.take(label, n, elements); err != nil {
				return nil, err
			}
			return call(f, args)
		},
		Types:    withBudget(f.Types...),
		Validate: validateWithBudget(f.Validate),
	}
}

// printSize is the size of a value printed by the interpolation functions:
// nothing for what prints without building a large string.
func printSize(a []any) (int, bool) {
	switch a[0].(type) {
	case nil, string, int, int64, float64, bool:
		return 0, false
	}
	return textSize(a[0], MaxValue), false
}

// escapeSize is printSize for a URL: path and query escaping write up to
// three bytes per byte.
func escapeSize(a []any) (int, bool) {
	if s, ok := a[0].(string); ok {
		return mulBytes(len(s), 3), false
	}
	n, _ := printSize(a)
	return mulBytes(n, 3), false
}

// call runs expr-lang's own function, whichever form it has.
func call(f *builtin.Function, args []any) (any, error) {
	switch {
	case f.Fast != nil:
		return f.Fast(args[0]), nil
	case f.Safe != nil:
		v, _, err := f.Safe(args...)
		return v, err
	}
	return f.Func(args...)
}

// withBudget prepends the *Budget parameter to each signature, and keeps
// the signatures without it after them: expr-lang type-checks an expression
// once before the patcher adds the Budget, and the result types it learns
// then decide how `+` is patched.
func withBudget(ts ...reflect.Type) []reflect.Type {
	out := make([]reflect.Type, len(ts), 2*len(ts))
	for i, t := range ts {
		in := []reflect.Type{budgetType}
		for j := range t.NumIn() {
			in = append(in, t.In(j))
		}
		var res []reflect.Type
		for j := range t.NumOut() {
			res = append(res, t.Out(j))
		}
		out[i] = reflect.FuncOf(in, res, t.IsVariadic())
	}
	return append(out, ts...)
}

func validateWithBudget(v func([]reflect.Type) (reflect.Type, error)) func([]reflect.Type) (reflect.Type, error) {
	if v == nil {
		return nil
	}
	return func(args []reflect.Type) (reflect.Type, error) {
		if len(args) > 0 && args[0] == budgetType {
			args = args[1:]
		}
		return v(args)
	}
}
