package lexer

import (
	"bytes"
	"errors"
	"slices"

	plexer "github.com/alecthomas/participle/v2/lexer"
)

// TokensAll lexes all of src like Tokens, but goes on after an error: the
// line that does not lex loses its tokens (from its start to the end of the
// line the error is on) and lexing resumes at the next line, so a parser
// that recovers sees the rest of the file. It returns every error, in order,
// each a *LineError; the last token is always EOF.
func TokensAll(filename string, src []byte) ([]plexer.Token, []error) {
	return New(filename, src).all(nil, nil, nil)
}

// all appends the rest of the scanner's tokens and errors to toks and
// errs. After each newline token it calls then, when set, which may end
// the lexing with the tokens and errors it returns.
func (s *Scanner) all(toks []plexer.Token, errs []error, then func(plexer.Token, []plexer.Token, []error) ([]plexer.Token, []error, bool)) ([]plexer.Token, []error) {
	for {
		t, err := s.Next()
		if err != nil {
			kept := dropLine(toks)
			var dropped []plexer.Token // nil when none, however toks was made
			if len(kept) < len(toks) {
				// A copy: appending to kept reuses the dropped tokens' room.
				dropped = slices.Clone(toks[len(kept):])
			}
			errs = append(errs, &LineError{Err: err, Dropped: dropped})
			toks = kept
			s.skipLine(errorOffset(err, s.off))
			continue
		}
		toks = append(toks, t)
		if t.Type == EOF {
			return toks, errs
		}
		if t.Type == Newline && then != nil {
			if out, outErrs, done := then(t, toks, errs); done {
				return out, outErrs
			}
		}
	}
}

// LineError is an error TokensAll went on after, with the tokens of its
// line that it dropped (those before the error; nil when there were none).
type LineError struct {
	Err     error
	Dropped []plexer.Token
}

func (e *LineError) Error() string { return e.Err.Error() }
func (e *LineError) Unwrap() error { return e.Err }

// dropLine removes the tokens after the last newline.
func dropLine(toks []plexer.Token) []plexer.Token {
	for i := len(toks) - 1; i >= 0; i-- {
		if toks[i].Type == Newline {
			return toks[:i+1]
		}
	}
	return toks[:0]
}

func errorOffset(err error, at int) int {
	var pe *plexer.Error
	if errors.As(err, &pe) {
		return max(pe.Pos.Offset, at)
	}
	return at
}

// skipLine moves to the newline ending the line that holds offset from,
// or to the end of the source.
func (s *Scanner) skipLine(from int) {
	end := len(s.src)
	if i := bytes.IndexByte(s.src[from:], '\n'); i >= 0 {
		end = from + i
	}
	s.advance(end - s.off)
}
