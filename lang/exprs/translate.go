package exprs

import (
	"strconv"
	"strings"

	"github.com/callflow/callflow/lang/lexer"
)

// textFunc formats an interpolated value as a person would say it; urlFunc
// also path-escapes it, for the authority and path of lookup URLs (see
// urlQueryFunc for the rest).
const (
	textFunc = "__text"
	urlFunc  = "__url"
)

// segment maps a run of generated expr source back to the .flow source.
// Copied text maps byte for byte; generated glue maps to its origin's start.
type segment struct {
	out, src, n int
	exact       bool
}

// translation is an expression rewritten for expr-lang: string literals with
// ${…} become concatenations, comments become spaces.
type translation struct {
	out  strings.Builder
	segs []segment
	// url is set for a lookup URL: each interpolation of its own string
	// literals is escaped for where it stands in the URL (at, the part the
	// literal text before it ends in). Literals inside an interpolation are
	// plain text: the interpolation around them escapes their value once.
	url   bool
	at    urlPart
	depth int // interpolations the translation is inside
}

// translate rewrites text, whose offsets count from base within the
// expression. It fails only on a malformed string, which the lexer has already
// rejected when text came from the parser.
func (t *translation) translate(text string, base int) error {
	toks, err := lexer.Tokens("", []byte(text))
	if err != nil {
		return err
	}
	prev := 0
	var brackets []bool // for each open bracket: is it the call of open()?
	lastIdent := ""
	for _, tok := range toks {
		off := tok.Pos.Offset
		t.copy(text[prev:off], base+prev)
		prev = off + len(tok.Value)
		switch tok.Type {
		case lexer.EOF:
			return nil
		case lexer.Comment:
			t.copy(strings.Repeat(" ", len(tok.Value)), base+off)
		case lexer.String:
			if err := t.str(tok.Value, base+off); err != nil {
				return err
			}
		case lexer.Punct:
			switch tok.Value {
			case "(", "[", "{":
				brackets = append(brackets, tok.Value == "(" && lastIdent == "open")
			case ")", "]", "}":
				// open(office) reads the call's time: the compiled program
				// calls open(office, now), so hours stay plain shared values.
				if n := len(brackets); n > 0 {
					if brackets[n-1] {
						t.glue(", now", base+off)
					}
					brackets = brackets[:n-1]
				}
			}
			t.copy(tok.Value, base+off)
		default:
			t.copy(tok.Value, base+off)
		}
		lastIdent = ""
		if tok.Type == lexer.Ident {
			lastIdent = tok.Value
		}
	}
	return nil
}

// interpFunc is the function an interpolation at this point goes through.
func (t *translation) interpFunc() string {
	if t.url && t.depth == 0 {
		return t.at.escaper()
	}
	return textFunc
}

func (t *translation) copy(s string, src int) {
	if s == "" {
		return
	}
	t.segs = append(t.segs, segment{out: t.out.Len(), src: src, n: len(s), exact: true})
	t.out.WriteString(s)
}

func (t *translation) glue(s string, src int) {
	t.segs = append(t.segs, segment{out: t.out.Len(), src: src, n: len(s)})
	t.out.WriteString(s)
}

// str rewrites one string literal. Literals are re-quoted so escapes the
// .flow language has and expr lacks (\$) survive.
func (t *translation) str(lit string, src int) error {
	parts, serr := lexer.StringParts([]byte(lit))
	if serr != nil {
		return serr
	}
	interp := false
	for _, p := range parts {
		interp = interp || p.Interp
	}
	// The literals of a URL template are read in order, each from where
	// the one before left the URL: "https://crm/" + "${id}?pin=${pin}".
	template := t.url && t.depth == 0
	if !interp {
		text := ""
		if len(parts) == 1 {
			text = parts[0].Text
		}
		if template {
			t.at = t.at.advance(text, true)
		}
		t.glue(strconv.Quote(text), src)
		return nil
	}
	t.glue("(", src)
	for i, p := range parts {
		if i > 0 {
			t.glue(" + ", src+p.Start)
		}
		if !p.Interp {
			t.glue(strconv.Quote(p.Text), src+p.Start)
			if template {
				t.at = t.at.advance(p.Text, i == 0)
			}
			continue
		}
		t.glue(t.interpFunc()+"(", src+p.InterpStart)
		t.depth++
		err := t.translate(lit[p.Start:p.End], src+p.Start)
		t.depth--
		if err != nil {
			return err
		}
		t.glue(")", src+p.End)
	}
	if len(parts) == 1 {
		t.glue(` + ""`, src)
	}
	t.glue(")", src+len(lit)-1)
	return nil
}

// srcOffset maps a rune offset in the generated source back to a byte offset
// in the expression's text.
func (t *translation) srcOffset(runeOff int) int {
	off, _ := t.exactOffset(runeOff)
	return off
}
