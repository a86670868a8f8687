package exprs

import "strings"

// MaxTemplateNames bounds the names a Template interpolates: its values'
// texts are kept on the stack while their length is added up.
const MaxTemplateNames = 4

// Template is a string literal whose interpolations are each nothing but a
// variable's name, "Order ${order_no} is on its way.": Text makes from
// the variables' values what its bytecode makes of them, charging the
// webhook's Budget the same, without the environment the bytecode runs
// in. The bytecode is ("Order " + __text(order_no) + " is on its way."):
// each __text takes its value's print size from the Budget, then
// __concat takes the length of the whole.
type Template struct {
	Lits  []string // the literal text before each name, and after the last: len(Names)+1
	Names []string // at most MaxTemplateNames
}

// Text is the template's text with vars' values, charged to b (not nil);
// ok is false, with nothing charged, when vars lacks a name or the budget
// refuses: the bytecode then evaluates it, and reports the refusal as it
// always has.
func (t *Template) Text(b *Budget, vars map[string]any) (s string, ok bool) {
	if len(t.Names) > MaxTemplateNames || len(t.Lits) != len(t.Names)+1 {
		return "", false
	}
	var texts [MaxTemplateNames]string
	var values [MaxTemplateNames]any
	for i, name := range t.Names {
		if values[i], ok = vars[name]; !ok {
			return "", false
		}
	}
	used := b.used
	n := 0
	for i := range t.Names {
		size, _ := printSize(values[i : i+1])
		if b.take("${…}", size, false) != nil {
			b.used = used
			return "", false
		}
		texts[i] = Text(values[i])
		n += len(t.Lits[i]) + len(texts[i])
	}
	n += len(t.Lits[len(t.Names)])
	if b.take("+", n, false) != nil {
		b.used = used
		return "", false
	}
	var sb strings.Builder
	sb.Grow(n)
	for i := range t.Names {
		sb.WriteString(t.Lits[i])
		sb.WriteString(texts[i])
	}
	sb.WriteString(t.Lits[len(t.Names)])
	return sb.String(), true
}
