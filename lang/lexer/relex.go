package lexer

import (
	"errors"
	"sort"

	plexer "github.com/alecthomas/participle/v2/lexer"
)

// Lexed is what TokensAll gave for one version of a file, kept so that the
// next version is lexed only where it differs (Relex).
type Lexed struct {
	name string
	text string
	Toks []plexer.Token
	Errs []error
}

// Relex lexes src exactly as TokensAll does, reusing prev, the lexing of an
// earlier version of the same file (nil: none). After a newline token the
// scanner holds nothing but its position, so the tokens up to the last
// newline before the first changed byte are prev's, and once lexing the
// changed part reaches a newline in the unchanged tail that prev also had
// as a token, the rest are prev's moved by the change. Only the part
// between is lexed. The tokens' values are slices of src.
func Relex(filename string, src []byte, prev *Lexed) *Lexed {
	return RelexInto(filename, src, prev, nil)
}

// RelexInto is Relex building the tokens in spare's room, whose contents
// it overwrites: tokens no one reads any more, such as those of the
// version before prev. A 1 MiB file has some 10 MB of tokens, which an
// editor would otherwise allocate, and collect, after each keystroke.
func RelexInto(filename string, src []byte, prev *Lexed, spare []plexer.Token) *Lexed {
	s := New(filename, src)
	if prev == nil || prev.name != filename {
		toks, errs := s.all(spare[:0], nil, nil)
		return &Lexed{name: filename, text: s.text, Toks: toks, Errs: errs}
	}
	r := &relexer{s: s, prev: prev, spare: spare}
	for _, err := range prev.Errs {
		if _, ok := lineError(err); !ok {
			toks, errs := s.all(spare[:0], nil, nil)
			return &Lexed{name: filename, text: s.text, Toks: toks, Errs: errs}
		}
	}
	return r.run()
}

type relexer struct {
	s    *Scanner
	prev *Lexed
	// delta is how much longer the new text is; tail is the length of
	// the end the two texts share.
	delta, tail int
	// spare is room for the tokens (see RelexInto).
	spare []plexer.Token
}

func (r *relexer) run() *Lexed {
	old, text := r.prev.text, r.s.text
	head := 0
	for head < len(old) && head < len(text) && old[head] == text[head] {
		head++
	}
	for r.tail < len(old)-head && r.tail < len(text)-head && old[len(old)-1-r.tail] == text[len(text)-1-r.tail] {
		r.tail++
	}
	r.delta = len(text) - len(old)
	// The last newline token wholly before the first change.
	k := sort.Search(len(r.prev.Toks), func(i int) bool { return r.prev.Toks[i].Pos.Offset >= head }) - 1
	for k >= 0 && r.prev.Toks[k].Type != Newline {
		k--
	}
	toks := r.spare[:0]
	if n := max(k+1, len(r.prev.Toks)+r.delta/4); cap(toks) < n {
		toks = make([]plexer.Token, 0, n)
	}
	var errs []error
	if k >= 0 {
		nl := r.prev.Toks[k]
		toks = r.moved(toks, r.prev.Toks[:k+1], 0, 0)
		for _, err := range r.prev.Errs {
			if errOffset(err) <= nl.Pos.Offset {
				m, _ := r.movedError(err, 0, 0)
				errs = append(errs, m)
			}
		}
		r.s.off, r.s.line, r.s.col = nl.Pos.Offset+1, nl.Pos.Line+1, 1
	}
	toks, errs = r.s.all(toks, errs, r.resync)
	return &Lexed{name: r.s.file, text: text, Toks: toks, Errs: errs}
}

// resync is called after each newline token t the scanner appends to
// toks: when prev had the same newline in the unchanged tail, it returns
// the rest of prev's tokens and errors, moved, and true.
func (r *relexer) resync(t plexer.Token, toks []plexer.Token, errs []error) ([]plexer.Token, []error, bool) {
	if t.Pos.Offset < len(r.s.text)-r.tail {
		return toks, errs, false
	}
	at := t.Pos.Offset - r.delta
	pt := r.prev.Toks
	i := sort.Search(len(pt), func(i int) bool { return pt[i].Pos.Offset >= at })
	if i == len(pt) || pt[i].Pos.Offset != at || pt[i].Type != Newline {
		return toks, errs, false
	}
	lines := t.Pos.Line - pt[i].Pos.Line
	var moved []error
	for _, err := range r.prev.Errs {
		if errOffset(err) <= at {
			continue
		}
		m, ok := r.movedError(err, r.delta, lines)
		if !ok {
			return toks, errs, false
		}
		moved = append(moved, m)
	}
	return r.moved(toks, pt[i+1:], r.delta, lines), append(errs, moved...), true
}

// moved appends ts to toks, offsets and lines moved, values sliced from
// the new text so that no token holds the old one.
func (r *relexer) moved(toks, ts []plexer.Token, off, lines int) []plexer.Token {
	for _, t := range ts {
		t.Pos.Offset += off
		t.Pos.Line += lines
		t.Pos.Filename = r.s.file
		if t.Type != EOF {
			t.Value = r.s.text[t.Pos.Offset : t.Pos.Offset+len(t.Value)]
		}
		toks = append(toks, t)
	}
	return toks
}

// movedError is a LineError of prev moved into the new text; false when it
// is not of the form TokensAll makes.
func (r *relexer) movedError(err error, off, lines int) (error, bool) {
	le, ok := lineError(err)
	if !ok {
		return nil, false
	}
	p := *le.Err.(*plexer.Error)
	p.Pos.Offset += off
	p.Pos.Line += lines
	p.Pos.Filename = r.s.file
	var dropped []plexer.Token
	if len(le.Dropped) > 0 {
		dropped = r.moved(make([]plexer.Token, 0, len(le.Dropped)), le.Dropped, off, lines)
	}
	return &LineError{Err: &p, Dropped: dropped}, true
}

// lineError is err when it is a LineError as TokensAll makes them, around
// a participle lexer error.
func lineError(err error) (*LineError, bool) {
	le, ok := err.(*LineError)
	if !ok {
		return nil, false
	}
	_, ok = le.Err.(*plexer.Error)
	return le, ok
}

// errOffset is where a LineError happened.
func errOffset(err error) int {
	var pe *plexer.Error
	if errors.As(err, &pe) {
		return pe.Pos.Offset
	}
	return -1
}
