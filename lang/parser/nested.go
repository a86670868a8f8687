package parser

import (
	plexer "github.com/alecthomas/participle/v2/lexer"

	g "github.com/callflow/callflow/lang/internal/grammar"
	"github.com/callflow/callflow/lang/lexer"
)

// stepBlocks are the words whose block holds steps; blockOwners are every
// word a statement's block may belong to (the others hold cases, options
// or legs, whose own blocks may hold steps).
var (
	stepBlocks  = map[string]bool{"if": true, "else": true, "case": true, "on": true}
	blockOwners = map[string]bool{"if": true, "else": true, "case": true, "on": true,
		"switch": true, "capture": true, "campaign": true, "callback": true, "contact": true}
)

// step parses one statement of a handler's body. One that does not parse
// but holds blocks of steps (if, else, case, on) is parsed again without
// the steps inside that do not parse, which are reported instead; when
// that does not help either, the statement is reported and skipped.
func (p *parts) step(st []plexer.Token) []*g.Step {
	parsed, err := parseTokens(g.StepsParser, st)
	if err == nil {
		return parsed.Steps
	}
	diags, lost := len(p.diags), len(p.lost)
	if kept, changed := p.clean(st); changed {
		if parsed, err := parseTokens(g.StepsParser, kept); err == nil {
			return parsed.Steps
		}
	}
	p.diags, p.lost = p.diags[:diags], p.lost[:lost]
	p.fail(err, st, "a step")
	p.lose(st, stepDeclaring)
	return nil
}

// clean returns toks without the steps that do not parse in the blocks
// inside it, reporting them, and whether it left any out.
func (p *parts) clean(toks []plexer.Token) ([]plexer.Token, bool) {
	out := make([]plexer.Token, 0, len(toks))
	changed := false
	owner := ""
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.Type == lexer.Ident && blockOwners[t.Value] {
			owner = t.Value
		}
		if !opens(t) {
			out = append(out, t)
			continue
		}
		end := matchingClose(toks, i)
		if t.Value != "{" || end < 0 || owner == "" {
			if end < 0 {
				end = len(toks) - 1
			}
			out = append(out, toks[i:end+1]...)
			i = end
			continue
		}
		inner, c := p.cleanBlock(toks[i+1:end], stepBlocks[owner])
		changed = changed || c
		out = append(append(append(out, t), inner...), toks[end])
		i, owner = end, ""
	}
	return out, changed
}

// cleanBlock cleans the statements of one block; in a block of steps, a
// statement that does not parse even cleaned is reported and left out.
func (p *parts) cleanBlock(inner []plexer.Token, steps bool) ([]plexer.Token, bool) {
	out := make([]plexer.Token, 0, len(inner))
	changed, prev := false, 0
	for _, r := range statements(inner) {
		out = append(out, inner[prev:r.lo]...)
		prev = r.hi
		st := r.of(inner)
		if steps {
			if _, err := parseTokens(g.StepsParser, st); err != nil {
				diags, lost := len(p.diags), len(p.lost)
				kept, c := p.clean(st)
				if _, err2 := parseTokens(g.StepsParser, kept); !c || err2 != nil {
					p.diags, p.lost = p.diags[:diags], p.lost[:lost]
					p.fail(err, st, "a step")
					p.lose(st, stepDeclaring)
					changed = true
					continue
				}
				st, changed = kept, true
			}
		} else if kept, c := p.clean(st); c {
			st, changed = kept, true
		}
		out = append(out, st...)
	}
	return append(out, inner[prev:]...), changed
}

// matchingClose is the index of the bracket closing toks[open], or -1.
func matchingClose(toks []plexer.Token, open int) int {
	depth := 0
	for i := open; i < len(toks); i++ {
		switch {
		case opens(toks[i]):
			depth++
		case closes(toks[i]):
			if depth--; depth == 0 {
				return i
			}
		}
	}
	return -1
}
