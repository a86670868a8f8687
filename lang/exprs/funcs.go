package exprs

import (
	"errors"
	"net/url"
	"time"

	"github.com/expr-lang/expr"

	"github.com/callflow/callflow/lang/hours"
	"github.com/callflow/callflow/lang/phone"
)

// Functions are the calls an expression may make beyond expr-lang's allowed
// builtins. Each is pure: expressions cannot do I/O.
var functions = []expr.Option{
	expr.Function("open", func(p ...any) (any, error) {
		h, _ := p[0].(*hours.Schedule)
		t, _ := p[1].(time.Time)
		if h == nil {
			return false, errors.New("open() needs an hours declaration")
		}
		return h.Open(t), nil
	}, new(func(*hours.Schedule, time.Time) bool)),
	expr.Function("pattern", func(p ...any) (any, error) {
		return phone.Pattern(p[0].(string), p[1].(string)), nil
	}, new(func(string, string) bool)),
	expr.Function("e164", func(p ...any) (any, error) {
		return phone.E164(p[0].(string), p[1].(string))
	}, new(func(string, string) string)),
	expr.Function("national", func(p ...any) (any, error) {
		return phone.National(p[0].(string))
	}, new(func(string) string)),
	expr.Function("region", func(p ...any) (any, error) {
		return phone.Region(p[0].(string)), nil
	}, new(func(string) string)),
	expr.Function(textFunc, func(p ...any) (any, error) {
		return Text(p[0]), nil
	}, new(func(any) string)),
	expr.Function(urlFunc, func(p ...any) (any, error) {
		return url.PathEscape(Text(p[0])), nil
	}, new(func(any) string)),
}

// FunctionNames lists the functions a flow may call, for did-you-mean.
var FunctionNames = append([]string{"open", "pattern", "e164", "national", "region",
	"random", "pick", "ordinal", "spell", "secret", "env"}, builtins...)

// builtins is the allow-list of expr-lang's own functions: string, number,
// collection and time helpers that cannot loop without bound or do I/O.
var builtins = []string{
	"len", "lower", "upper", "trim", "trimPrefix", "trimSuffix", "split", "join",
	"replace", "repeat", "indexOf", "lastIndexOf", "hasPrefix", "hasSuffix",
	"string", "int", "float", "abs", "ceil", "floor", "round", "max", "min", "sum", "mean",
	"all", "any", "none", "one", "filter", "map", "count", "find", "first", "last",
	"keys", "values", "type", "toJSON", "fromJSON", "date", "duration", "get",
}
