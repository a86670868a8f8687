package exprs

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/expr-lang/expr"
)

// wordFunctions help text read well: ordinal(22) is "22nd", spell("1234")
// is "1 2 3 4", which TTS reads digit by digit instead of as a number.
var wordFunctions = []expr.Option{
	expr.Function("ordinal", func(p ...any) (any, error) {
		return Ordinal(p[0].(int)), nil
	}, new(func(int) string)),
	expr.Function("spell", func(p ...any) (any, error) {
		return Spell(Text(p[0])), nil
	}, new(func(any) string)),
}

// Ordinal is n with its English ordinal suffix: 1st, 2nd, 3rd, 4th, 11th,
// 12th, 13th, 21st, 22nd, 101st; -1st for negatives.
func Ordinal(n int) string {
	abs := n
	if abs < 0 {
		abs = -abs
	}
	suffix := "th"
	if abs%100 < 11 || abs%100 > 13 {
		switch abs % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return strconv.Itoa(n) + suffix
}

// Spell spaces out the characters of s, "1234" as "1 2 3 4", so TTS reads
// an order number or a PIN one digit at a time. Spaces already in s are
// dropped, so spell("12 34") is "1 2 3 4" too.
func Spell(s string) string {
	var b strings.Builder
	b.Grow(2 * len(s))
	for _, r := range s {
		if r == ' ' {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// spellSize is what spell builds: a space after every character.
func spellSize(a []any) (int, bool) {
	s, ok := a[0].(string)
	if !ok {
		n, _ := printSize(a)
		return 2 * n, false
	}
	return len(s) + utf8.RuneCountInString(s), false
}
