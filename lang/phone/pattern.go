package phone

import "strconv"

// Asterisk dialplan patterns.
//
// A pattern that starts with '_' is made of pattern letters; any other
// pattern must equal the number exactly. After the '_':
//
//	X      any digit 0-9        (letters are case-insensitive: x, z, n too)
//	Z      any digit 1-9
//	N      any digit 2-9
//	[1-37] one character from the set; a-b is an inclusive range, a '-' at
//	       either end of the set is literal
//	.      one or more further characters (must be last)
//	!      zero or more further characters (must be last)
//
// Every other byte, such as '+', '*', '#' or a digit, matches itself. Unlike
// Asterisk, '-' outside a set is not ignored: it is literal, so a pattern
// never matches more than it says. Matching is byte-wise; numbers are ASCII.
//
// The matcher interprets the pattern text directly rather than compiling it
// to a program: patterns are short, and interpreting keeps Pattern free of
// allocations and caches (and so of locks).

// PatternError reports a malformed pattern.
type PatternError struct {
	Offset int    // byte offset into the pattern, starting at 0
	Msg    string // what is wrong, without the offset
}

func (e *PatternError) Error() string {
	return "pattern offset " + strconv.Itoa(e.Offset) + ": " + e.Msg
}

// Pat is a validated pattern. Its zero value is not usable; get one from
// CompilePattern.
type Pat struct {
	src string
}

// CompilePattern validates pattern so a compiler can report a malformed
// literal where it is written. The error, if any, is a *PatternError.
func CompilePattern(pattern string) (*Pat, error) {
	if pattern == "" {
		return nil, &PatternError{Offset: 0, Msg: "empty pattern"}
	}
	if pattern[0] == '_' {
		if len(pattern) == 1 {
			return nil, &PatternError{Offset: 1, Msg: "empty pattern after _"}
		}
		for i := 1; i < len(pattern); {
			t, next, off, msg := lex(pattern, i)
			if msg != "" {
				return nil, &PatternError{Offset: off, Msg: msg}
			}
			if t.kind >= tokOneOrMore && next != len(pattern) {
				return nil, &PatternError{Offset: i, Msg: "wildcard must be the last character"}
			}
			i = next
		}
	}
	return &Pat{src: pattern}, nil
}

// Match reports whether number matches the pattern.
func (p *Pat) Match(number string) bool { return match(number, p.src) }

// String returns the pattern as written.
func (p *Pat) String() string { return p.src }

// Pattern reports whether number matches the Asterisk dialplan pattern. A
// malformed pattern matches nothing; use CompilePattern to find out why.
func Pattern(number, pattern string) bool { return match(number, pattern) }

// match is true only when the whole pattern was read, found well formed and
// matched, so it needs no separate validation pass: any error stops it with
// false, and an early mismatch is false anyway.
func match(number, pattern string) bool {
	if pattern == "" || pattern[0] != '_' {
		return pattern != "" && number == pattern
	}
	if len(pattern) == 1 {
		return false
	}
	n := 0
	for i := 1; i < len(pattern); {
		t, next, _, msg := lex(pattern, i)
		if msg != "" {
			return false
		}
		switch t.kind {
		case tokOneOrMore:
			return next == len(pattern) && n < len(number)
		case tokZeroOrMore:
			return next == len(pattern)
		}
		if n >= len(number) || !t.has(number[n]) {
			return false
		}
		n++
		i = next
	}
	return n == len(number)
}

type tokKind uint8

// Wildcards sort last so "kind >= tokOneOrMore" means "is a wildcard".
const (
	tokLit        tokKind = iota // one byte, itself
	tokRange                     // one byte in lo..hi (X, Z, N)
	tokSet                       // one byte in set
	tokOneOrMore                 // .
	tokZeroOrMore                // !
)

type token struct {
	kind   tokKind
	lo, hi byte   // tokLit uses lo only
	set    string // the text between [ and ], already validated
}

// lex reads the token at pattern[i]. On error it returns a non-empty msg and
// the offset it belongs to; the message is a constant, so nothing allocates.
func lex(pattern string, i int) (t token, next, off int, msg string) {
	switch c := pattern[i]; c {
	case 'X', 'x':
		return token{kind: tokRange, lo: '0', hi: '9'}, i + 1, 0, ""
	case 'Z', 'z':
		return token{kind: tokRange, lo: '1', hi: '9'}, i + 1, 0, ""
	case 'N', 'n':
		return token{kind: tokRange, lo: '2', hi: '9'}, i + 1, 0, ""
	case '.':
		return token{kind: tokOneOrMore}, i + 1, 0, ""
	case '!':
		return token{kind: tokZeroOrMore}, i + 1, 0, ""
	case '[':
		end := i + 1
		for end < len(pattern) && pattern[end] != ']' {
			end++
		}
		if end == len(pattern) {
			return token{}, 0, i, "unclosed ["
		}
		set := pattern[i+1 : end]
		if set == "" {
			return token{}, 0, i, "empty set []"
		}
		if o, m := checkSet(set); m != "" {
			return token{}, 0, i + 1 + o, m
		}
		return token{kind: tokSet, set: set}, end + 1, 0, ""
	default:
		return token{kind: tokLit, lo: c}, i + 1, 0, ""
	}
}

// checkSet validates the inside of [...]. Non-ASCII is refused because
// matching is byte-wise: [é] would otherwise match half a character.
func checkSet(set string) (off int, msg string) {
	for k := 0; k < len(set); k++ {
		if set[k] >= 0x80 {
			return k, "non-ASCII character in set"
		}
	}
	for k := 0; k < len(set); {
		if k+2 < len(set) && set[k+1] == '-' {
			if set[k] > set[k+2] {
				return k, "range start is after range end"
			}
			k += 3
			continue
		}
		k++
	}
	return 0, ""
}

func (t token) has(c byte) bool {
	switch t.kind {
	case tokLit:
		return c == t.lo
	case tokRange:
		return t.lo <= c && c <= t.hi
	}
	s := t.set
	for k := 0; k < len(s); {
		if k+2 < len(s) && s[k+1] == '-' {
			if s[k] <= c && c <= s[k+2] {
				return true
			}
			k += 3
			continue
		}
		if s[k] == c {
			return true
		}
		k++
	}
	return false
}
