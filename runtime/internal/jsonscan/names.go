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
// offsets, runs beside the chain. (Finding the name by a hash of its
// first bytes instead measured slower than stringEnd: it put two table
// loads on the chain.) A name that is not the one guessed, or that is
// written with space before its colon, near the body's end, or longer
// than 22 bytes, is read by stringEnd, as Member reads it, and looked up.
type Names struct {
	count  int
	words  [maxNames][3]uint64 // `"name":`, eight bytes a word, from the opening quote
	masks  [maxNames][3]uint64 // the bytes of words that are the name's
	sizes  [maxNames]int       // len(`"name":`); 0 for a name too long to match whole
	quoted []string            // `"name"`, for index
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
		pattern := `"` + name + `":`
		if len(pattern) > len(n.words[k])*8 {
			continue // index's only
		}
		n.sizes[k] = len(pattern)
		var padded [24]byte
		copy(padded[:], pattern)
		for w := range n.words[k] {
			n.words[k][w] = binary.LittleEndian.Uint64(padded[w*8:])
			for c := range min(max(len(pattern)-w*8, 0), 8) {
				n.masks[k][w] |= 0xff << (8 * c)
			}
		}
	}
	return n
}

// matches reports whether b, at least 24 bytes, starts with `"name":` for
// the name at k, and that length.
func (n *Names) matches(b []byte, k int) (size int, ok bool) {
	if uint(k) >= uint(n.count) {
		return 0, false
	}
	k %= maxNames // k is below: lets the compiler drop the bounds checks
	w, m := &n.words[k], &n.masks[k]
	x := (binary.LittleEndian.Uint64(b)^w[0])&m[0] | (binary.LittleEndian.Uint64(b[8:])^w[1])&m[1] |
		(binary.LittleEndian.Uint64(b[16:])^w[2])&m[2]
	return n.sizes[k], x == 0 && n.sizes[k] > 0
}

// index returns the index of name, with its quotes, -1 when not one of n.
func (n *Names) index(name []byte) int {
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
// first.
func (s *Scanner) MemberOf(first bool, names *Names, guess int) (k int, done, ok bool) {
	b, i := s.b, skip(s.b, s.i)
	if i >= len(b) {
		return -1, false, false
	}
	if c := b[i]; c == '}' {
		s.i = i + 1
		return -1, true, true
	} else if !first {
		if c != ',' {
			return -1, false, false
		}
		i = skip(b, i+1)
	}
	if i >= 0 && i+24 <= len(b) {
		if size, ok := names.matches(b[i:i+24], guess); ok {
			s.i = i + size
			return guess, false, true
		}
	}
	s.i = i
	name, ok := s.name()
	if !ok {
		return -1, false, false
	}
	return names.index(name), false, true
}
