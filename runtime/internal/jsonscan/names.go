package jsonscan

import (
	"encoding/binary"
	"fmt"
)

// Names is the list of member names an adapter knows, for MemberOf to
// match without first finding where each name ends. A known name holds
// no byte that ends a plain string, so a body that holds `"name":` at a
// name's opening quote holds exactly that name, and the next token starts
// after the colon.
//
// Matching is tried on one name, the one after the member before, as the
// platforms write the members of an object in one order: the scan's cost
// is in the chain of offsets, each token's start waiting for the end of
// the one before, and stringEnd puts a load, its eight-byte test and a
// bit count on that chain for every name. A guess that holds puts only
// an add there; the compare that checks it, three words at known
// offsets, runs beside the chain: the 8x8 scan went from 320 to 275 ns a
// webhook. (Finding the name by a hash of its first bytes instead took
// 370: it put two table loads on the chain.) A name that is not the one
// guessed, or that is written with space before its colon, near the
// body's end, or longer than 22 bytes, is read by stringEnd, as Member
// reads it, and looked up.
type Names struct {
	count    int
	patterns [maxNames]pattern
	quoted   []string // `"name"`, for Index
}

// pattern is `"name":` as words to compare a body's with, from the
// opening quote.
type pattern struct {
	words [3]uint64
	masks [3]uint64 // the bytes of words that are the pattern's
	size  int       // len(`"name":`), 0 for a name too long to match whole
}

const maxNames = 32

// NewNames makes the list of names, written without quotes, in the order
// the platform writes them; MemberOf returns their index in it. It panics
// on more than 32 names or on a name that is not plain: the names are the
// adapter's constants.
func NewNames(names ...string) *Names {
	if len(names) > maxNames {
		panic("jsonscan: too many names")
	}
	n := &Names{count: len(names), quoted: make([]string, len(names))}
	for k, name := range names {
		if !Plain(name) {
			panic(fmt.Sprintf("jsonscan: name %q is not plain", name))
		}
		n.quoted[k] = `"` + name + `"`
		p, text := &n.patterns[k], `"`+name+`":`
		if len(text) > len(p.words)*8 {
			continue // size 0: never matched whole
		}
		p.size = len(text)
		var padded [24]byte
		copy(padded[:], text)
		for w := range p.words {
			p.words[w] = binary.LittleEndian.Uint64(padded[w*8:])
			for c := range min(max(len(text)-w*8, 0), 8) {
				p.masks[w] |= 0xff << (8 * c)
			}
		}
	}
	return n
}

// Index returns the index of name, written with its quotes, -1 when it is
// not one of n.
func (n *Names) Index(name []byte) int {
	for k, q := range n.quoted {
		if string(name) == q {
			return k
		}
	}
	return -1
}

// MemberOf is Member for an object whose names the caller knows: it
// returns the index in names of the member's name, -1 for any other. guess
// is the index to try first: the one after the member before's, 0 for the
// first. A value that is a plain string, most of a webhook's, it reads too
// and returns raw, with its quotes, leaving the scanner after it; str is
// nil for any other value, which the caller reads. Reading it here keeps
// the offset in a register from the name to the value's end: in Raw or
// Value it went through the scanner, a store and a load more on the chain
// (with the guess's compare written here too, the 8x8 scan went from 275
// to 255 ns).
func (s *Scanner) MemberOf(first bool, names *Names, guess int) (k int, str []byte, done, ok bool) {
	b, i := s.b, skip(s.b, s.i)
	if i >= len(b) {
		return -1, nil, false, false
	}
	if c := b[i]; c == '}' {
		s.i = i + 1
		return -1, nil, true, true
	} else if !first {
		if c != ',' {
			return -1, nil, false, false
		}
		i = skip(b, i+1)
	}
	k, matched := guess, false
	if uint(guess) < uint(names.count) && i >= 0 && i+24 <= len(b) {
		// the pattern compare, written here: as a call it spilled the
		// registers MemberOf works in
		p, at := &names.patterns[guess%maxNames], b[i:i+24]
		if (binary.LittleEndian.Uint64(at)^p.words[0])&p.masks[0]|(binary.LittleEndian.Uint64(at[8:])^p.words[1])&p.masks[1]|
			(binary.LittleEndian.Uint64(at[16:])^p.words[2])&p.masks[2] == 0 && p.size > 0 {
			i += p.size
			matched = true
		}
	}
	if !matched {
		s.i = i
		name, ok := s.name()
		if !ok {
			return -1, nil, false, false
		}
		k, i = names.Index(name), s.i
	}
	i = skip(b, i)
	if i < len(b) && b[i] == '"' {
		end := stringEnd(b, i)
		if end < 0 {
			return -1, nil, false, false
		}
		s.i = end
		return k, b[i:end], false, true
	}
	s.i = i
	return k, nil, false, true
}
