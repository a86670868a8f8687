// Package jsonscan is the first try of the adapters' fast webhook
// decoders: one pass over a body written in plain ASCII without escapes,
// which is what the platforms send, that checks the JSON grammar while the
// adapter keeps the members it reads, raw. Reading the same body through
// jsontext's decoder took twice as long as validating it, most of it in
// per-token bookkeeping a fast path has no use for.
//
// It accepts a subset of JSON: strings of printable ASCII (0x20–0x7f) with
// no backslash, nesting up to MaxDepth. Anything else, valid or not, is
// refused, and the adapter decides with its strict decoder. So a scan
// never accepts a body the strict decoder would refuse; each adapter's
// fuzz target checks that, and that what it keeps is what the strict path
// reads.
//
// The adapter walks the objects whose members it keeps with Open and
// Member, and skips every other value with Value:
//
//	if !s.Open(depth) { return false }
//	for first := true; ; first = false {
//		name, done, ok := s.Member(first)
//		if !ok || done { return ok }
//		… s.Raw(depth+1) or s.Value(depth+1) …
//	}
//
// An object whose names the adapter knows, in the order its platform
// writes them, it reads with MemberOf instead, which matches each name
// whole against the one expected next and reads a string value with it.
package jsonscan

import (
	"bytes"
	"encoding/binary"
	"math/bits"
)

// MaxDepth bounds the nesting a scan follows; deeper bodies are refused.
const MaxDepth = 32

// Scanner reads one body. Adapters keep it by value in the struct they
// fill, so that escape analysis, which gives up on the recursion, does not
// move what they fill to the heap.
type Scanner struct {
	b []byte
	i int
}

// New scans body from its start.
func New(body []byte) Scanner { return Scanner{b: body} }

// End reports whether only space is left.
func (s *Scanner) End() bool {
	s.Space()
	return s.i == len(s.b)
}

// Open consumes the '{' of an object at depth.
func (s *Scanner) Open(depth int) bool { return depth <= MaxDepth && s.Next('{') }

// Member reads the name of the next member of an object Open began, and
// its colon, leaving the value to read; done is true, with ok, at the
// closing '}'. first is true for the first call after Open. It works on
// the body and offset in locals, one function for the whole member: the
// calls to Next and Peek it replaced cost as much as the scan of the name.
func (s *Scanner) Member(first bool) (name []byte, done, ok bool) {
	b, i := s.b, skip(s.b, s.i)
	if i >= len(b) {
		return nil, false, false
	}
	if c := b[i]; c == '}' {
		s.i = i + 1
		return nil, true, true
	} else if !first {
		if c != ',' {
			return nil, false, false
		}
		i = skip(b, i+1)
	}
	if i >= len(b) || b[i] != '"' {
		return nil, false, false
	}
	end := stringEnd(b, i)
	if end < 0 {
		return nil, false, false
	}
	name = b[i:end]
	i = skip(b, end)
	if i >= len(b) || b[i] != ':' {
		return nil, false, false
	}
	s.i = i + 1
	return name, false, true
}

// name reads a member's name, at the scanner, and its colon: Member's
// end, for the names MemberOf does not match whole. Member has it written
// out, so that the scans that read every name through it pay no call.
func (s *Scanner) name() ([]byte, bool) {
	b, i := s.b, s.i
	if i >= len(b) || b[i] != '"' {
		return nil, false
	}
	end := stringEnd(b, i)
	if end < 0 {
		return nil, false
	}
	name := b[i:end]
	i = skip(b, end)
	if i >= len(b) || b[i] != ':' {
		return nil, false
	}
	s.i = i + 1
	return name, true
}

// Raw reads a value at depth and returns it as written.
func (s *Scanner) Raw(depth int) ([]byte, bool) {
	start := skip(s.b, s.i)
	s.i = start
	if start < len(s.b) && s.b[start] == '"' { // most values: read here, not through Value's switch
		end := stringEnd(s.b, start)
		if end < 0 {
			return nil, false
		}
		s.i = end
		return s.b[start:end], true
	}
	if !s.Value(depth) {
		return nil, false
	}
	return s.b[start:s.i], true
}

// Peek skips space and returns the next byte, 0 at the end. The test
// before the call is for bodies without space, the platforms', and lets
// Peek and Next be inlined.
func (s *Scanner) Peek() byte {
	if s.i < len(s.b) && s.b[s.i] > ' ' {
		return s.b[s.i]
	}
	return s.peekAfterSpace()
}

//go:noinline
func (s *Scanner) peekAfterSpace() byte {
	s.Space()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

// Space skips JSON's white space.
func (s *Scanner) Space() { s.i = skipSpace(s.b, s.i) }

// skip returns the offset of the first byte from i that is not space. The
// test before the call is for bodies without space, the platforms', and
// lets skip be inlined.
func skip(b []byte, i int) int {
	if i < len(b) && b[i] > ' ' {
		return i
	}
	return skipSpace(b, i)
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && b[i] <= ' ' && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// Next consumes c, after space, and reports whether it was there.
func (s *Scanner) Next(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return s.nextAfterSpace(c)
}

//go:noinline
func (s *Scanner) nextAfterSpace(c byte) bool {
	s.Space()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// Value reads one value at depth, leaving the scanner after it (values
// start at the next non-space byte).
func (s *Scanner) Value(depth int) bool {
	i := skip(s.b, s.i)
	s.i = i
	if i == len(s.b) {
		return false
	}
	switch c := s.b[i]; {
	case c == '"':
		end := stringEnd(s.b, i)
		s.i = max(end, i) // where it was when not a plain string
		return end >= 0
	case c == '{':
		return s.object(depth)
	case c == '[':
		return s.array(depth)
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		return s.number()
	}
	return false
}

// object skips an object.
func (s *Scanner) object(depth int) bool {
	if !s.Open(depth) {
		return false
	}
	for first := true; ; first = false {
		_, done, ok := s.Member(first)
		if !ok || done {
			return ok
		}
		if !s.Value(depth + 1) {
			return false
		}
	}
}

func (s *Scanner) array(depth int) bool {
	if depth > MaxDepth || !s.Next('[') {
		return false
	}
	if s.Next(']') {
		return true
	}
	for {
		if !s.Value(depth + 1) {
			return false
		}
		if s.Next(']') {
			return true
		}
		if !s.Next(',') {
			return false
		}
	}
}

// String reads a string at the scanner (a quote) and returns it raw, with
// its quotes.
func (s *Scanner) String() ([]byte, bool) {
	start := s.i
	end := stringEnd(s.b, start)
	if end < 0 {
		return nil, false // the end, an escape, a control or a non-ASCII byte
	}
	s.i = end
	return s.b[start:end], true
}

// stringEnd returns the offset after the closing quote of the plain
// string whose opening quote is at i, or -1 when it is not plain (an
// escape, a control or a non-ASCII byte) or not closed. Most of a webhook
// is strings, so they are looked at eight bytes at a time. (Sixteen at a
// time measured slower on 8x8's webhooks, whose strings are short.)
func stringEnd(b []byte, i int) int {
	if i < 0 || i >= len(b) {
		return -1
	}
	rest := b[i+1:] // a loop on what is left, not on an offset, needs no bounds checks
	for len(rest) >= 8 {
		if m := special(binary.LittleEndian.Uint64(rest)); m != 0 {
			n := bits.TrailingZeros64(m) / 8
			if rest[n] == '"' {
				return len(b) - len(rest) + n + 1
			}
			return -1
		}
		rest = rest[8:]
	}
	return stringEndBytewise(b, len(b)-len(rest))
}

// stringEndBytewise is stringEnd from j, inside the string, one byte at a
// time: for the last bytes of a body, and FuzzValue's reference.
func stringEndBytewise(b []byte, j int) int {
	for ; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			return j + 1
		case c < 0x20 || c >= 0x80 || c == '\\':
			return -1
		}
	}
	return -1
}

// special marks, in the top bit of each byte, the bytes of x that end a
// plain string: a quote, a backslash, a control or a non-ASCII byte. A
// borrow can mark a byte above a marked one wrongly; the lowest mark is
// always right, and it is the only one used. Below the lowest, every byte
// is in 0x20–0x7f and neither quote nor backslash, so no subtraction
// borrows or sets a top bit there; at it, a non-ASCII byte has its own top
// bit, a control wraps below 0x20 and a quote or backslash wraps below
// zero. So the usual "&^ x" that keeps a subtraction from marking a byte
// at or above 0x80 is not needed: such a byte is marked anyway.
func special(x uint64) uint64 {
	const ones, tops = 0x0101010101010101, 0x8080808080808080
	quote, backslash := x^(ones*'"'), x^(ones*'\\')
	return ((quote - ones) | (backslash - ones) | (x - ones*0x20) | x) & tops
}

// Plain reports whether s needs no escaping at all in JSON: no quote,
// backslash, control or non-ASCII byte (which quoting would have to check
// for valid UTF-8), so an encoder can copy it between quotes. It looks at
// eight bytes at a time.
func Plain(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		if special(x) != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

func (s *Scanner) literal(word string) bool {
	if !bytes.HasPrefix(s.b[s.i:], []byte(word)) {
		return false
	}
	s.i += len(word)
	return true
}

// number reads -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?.
func (s *Scanner) number() bool {
	if s.i < len(s.b) && s.b[s.i] == '-' {
		s.i++
	}
	switch {
	case s.i < len(s.b) && s.b[s.i] == '0':
		s.i++
	case !s.digits():
		return false
	}
	if s.i < len(s.b) && s.b[s.i] == '.' {
		s.i++
		if !s.digits() {
			return false
		}
	}
	if s.i < len(s.b) && (s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		s.i++
		if s.i < len(s.b) && (s.b[s.i] == '+' || s.b[s.i] == '-') {
			s.i++
		}
		if !s.digits() {
			return false
		}
	}
	return true
}

// digits reads one or more decimal digits.
func (s *Scanner) digits() bool {
	start := s.i
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
	}
	return s.i > start
}
