package exprs

import (
	"fmt"
	"math"
	"reflect"
	"strings"

	"github.com/expr-lang/expr/builtin"
	"github.com/expr-lang/expr/vm/runtime"
)

// Names of the functions the patcher (patch.go) calls. They start with two
// underscores, like the interpolation functions, and are not listed for
// did-you-mean; a flow calling them directly gets the same bounds.
const (
	concatFunc = "__concat" // string + string + …, in one allocation
	addFunc    = "__add"    // + whose operands are known only at run time
	eachFunc   = "__each"   // the list a map, filter, groupBy or sortBy walks
	rangeFunc  = "__range"  // a..b
)

// opFunctions are the functions `+` and the list builtins are patched into.
var opFunctions = []*builtin.Function{
	{
		// expr-lang bounds one evaluation's ranges; a webhook or a flow's
		// consts evaluate thousands.
		Name: rangeFunc,
		Func: func(args ...any) (any, error) {
			b, _ := args[0].(*Budget)
			lo, hi := runtime.ToInt(args[1]), runtime.ToInt(args[2])
			n := 0
			if hi >= lo {
				n = hi - lo + 1
				if n <= 0 { // overflow
					n = math.MaxInt
				}
			}
			if err := b.take("..", n, true); err != nil {
				return nil, err
			}
			return runtime.MakeRange(lo, hi), nil
		},
		Types: withBudget(reflect.TypeOf(new(func(int, int) []int)).Elem()),
	},
	{
		Name: concatFunc,
		Func: func(args ...any) (any, error) {
			b, _ := args[0].(*Budget)
			n := 0
			for _, s := range args[1:] {
				n += len(s.(string))
			}
			if err := b.take("+", n, false); err != nil {
				return nil, err
			}
			var sb strings.Builder
			sb.Grow(n)
			for _, s := range args[1:] {
				sb.WriteString(s.(string))
			}
			return sb.String(), nil
		},
		Types: withBudget(reflect.TypeOf(new(func(...string) string)).Elem()),
	},
	{
		Name: addFunc,
		Func: func(args ...any) (any, error) {
			if x, ok := args[1].(string); ok {
				if y, ok := args[2].(string); ok {
					b, _ := args[0].(*Budget)
					if err := b.take("+", len(x)+len(y), false); err != nil {
						return nil, err
					}
					return x + y, nil
				}
			}
			return runtime.Add(args[1], args[2]), nil
		},
		Types: withBudget(reflect.TypeOf(new(func(any, any) any)).Elem()),
	},
	{
		// map, filter, groupBy and sortBy build a value as large as the list
		// they walk, once per evaluation of the builtin: inside another map,
		// thousands of times. The list is counted before the walk.
		Name: eachFunc,
		Func: func(args ...any) (any, error) {
			b, _ := args[0].(*Budget)
			n := 0
			if v := reflect.ValueOf(args[1]); v.Kind() == reflect.Slice || v.Kind() == reflect.Array || v.Kind() == reflect.Map {
				n = v.Len()
			}
			if err := b.take("a list builtin", n, true); err != nil {
				return nil, err
			}
			return args[1], nil
		},
		// The list keeps its type, so `#` inside the predicate keeps its own.
		Validate: func(args []reflect.Type) (reflect.Type, error) {
			if len(args) == 0 || len(args) > 2 {
				return nil, fmt.Errorf("%s takes one list", eachFunc)
			}
			return args[len(args)-1], nil
		},
	},
}
