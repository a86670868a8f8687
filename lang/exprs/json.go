package exprs

import (
	"bytes"
	"encoding/json"

	"github.com/expr-lang/expr/builtin"
)

// boundedToJSON is expr-lang's toJSON (json.MarshalIndent with two spaces)
// with its size known before each allocation: the value's estimated size
// before marshalling, and the indented size (computed from the compact
// form) before indenting. Indentation alone can multiply a deeply nested
// value many times over.
func boundedToJSON() *builtin.Function {
	orig := builtin.Builtins[builtin.Index["toJSON"]]
	return &builtin.Function{
		Name: "toJSON",
		Func: func(args ...any) (any, error) {
			b, _ := args[0].(*Budget)
			if err := b.take("toJSON", textSize(args[1], MaxValue), false); err != nil {
				return nil, err
			}
			compact, err := json.Marshal(args[1])
			if err != nil {
				return nil, err
			}
			n := indentedSize(compact)
			if err := b.take("toJSON", n-len(compact), false); err != nil {
				return nil, err
			}
			out := bytes.NewBuffer(make([]byte, 0, n))
			if err := json.Indent(out, compact, "", "  "); err != nil {
				return nil, err
			}
			return out.String(), nil
		},
		Types: withBudget(orig.Types...),
	}
}

// indentedSize is the length of compact JSON once indented by two spaces
// per level, as json.Indent writes it: a line per element, a space after
// each colon, and empty lists and objects kept on one line.
func indentedSize(compact []byte) int {
	n, depth := 0, 0
	inString, escaped := false, false
	for i, c := range compact {
		n++
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			if i+1 < len(compact) && (compact[i+1] == '}' || compact[i+1] == ']') {
				continue // empty: json.Indent keeps it as {} or []
			}
			depth++
			n += 1 + 2*depth
		case '}', ']':
			if i > 0 && (compact[i-1] == '{' || compact[i-1] == '[') {
				continue
			}
			depth--
			n += 1 + 2*depth
		case ',':
			n += 1 + 2*depth
		case ':':
			n++
		}
	}
	return n
}
