package exprs

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/expr-lang/expr/builtin"
	"github.com/expr-lang/expr/vm/runtime"
)

// random(n) and pick(list) draw from the evaluation's Budget, which the
// runtime seeds per webhook (Budget.Seed): the same seed draws the same
// numbers, so a test, whose call has a fixed session and time, hears the
// same greeting on every run. They are budgeted functions (the patcher
// passes the Budget first) and never constant: the checker does not fold
// an expression that calls them (Compiled.Varies).

// maxRandom bounds n in random(n): an int in 0..n-1 must fit 32 bits, as
// platforms' variables do.
const maxRandom = 1 << 31

// CallValues are what random, pick, secret and env read during one
// webhook. The runtime gives them to the Budget only for flows that call
// those functions, so other webhooks pay nothing for them.
type CallValues struct {
	Seed   uint64  // random and pick draw a sequence fixed by it
	Loaded *Loaded // secret and env
	draws  uint64
}

// SetCall gives the evaluations this Budget serves v.
func (b *Budget) SetCall(v *CallValues) {
	if b != nil {
		b.call = v
	}
}

// draw is the next number of b's sequence: splitmix64 over the seed and a
// counter, so each draw of a webhook differs and a webhook's draws repeat
// exactly for the same seed. Without CallValues it draws from seed 0.
func (b *Budget) draw() uint64 {
	var seed, n uint64
	if b != nil && b.call != nil {
		b.call.draws++
		seed, n = b.call.Seed, b.call.draws
	}
	z := seed + n*0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// intn is a draw in 0..n-1 (n > 0).
func (b *Budget) intn(n int) int { return int(b.draw() % uint64(n)) }

var randomFunctions = []*builtin.Function{
	{
		Name: "random",
		Func: func(args ...any) (any, error) {
			b, _ := args[0].(*Budget)
			n := runtime.ToInt(args[1])
			if n < 1 || n > maxRandom {
				return nil, fmt.Errorf("random(%d): n must be 1..%d", n, maxRandom)
			}
			return b.intn(n), nil
		},
		Types: withBudget(reflect.TypeOf(new(func(int) int)).Elem()),
	},
	{
		Name: "pick",
		Func: func(args ...any) (any, error) {
			b, _ := args[0].(*Budget)
			v := reflect.ValueOf(args[1])
			if v.Kind() != reflect.Slice && v.Kind() != reflect.Array {
				return nil, fmt.Errorf("pick needs a list, not %s", jsonKindOf(args[1]))
			}
			if v.Len() == 0 {
				return nil, errors.New("pick needs a list with at least one element")
			}
			return v.Index(b.intn(v.Len())).Interface(), nil
		},
		Types: withBudget(reflect.TypeOf(new(func([]any) any)).Elem()),
	},
}

// jsonKindOf names the kind of a value for messages.
func jsonKindOf(v any) string {
	switch v.(type) {
	case nil:
		return "nothing"
	case string:
		return "a string"
	case int, int64, float64:
		return "a number"
	case bool:
		return "true or false"
	case map[string]any:
		return "a map"
	}
	return fmt.Sprintf("%T", v)
}
