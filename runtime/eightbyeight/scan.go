package eightbyeight

import (
	"bytes"
	"encoding/binary"
	"math/bits"
)

// scan is the fast path's first try: one pass over a body written in plain
// ASCII without escapes, which is what 8x8 sends, that checks the JSON
// grammar and keeps the fields as it goes. Reading the same body through
// jsontext's decoder took twice as long as validating it, most of it in
// per-token bookkeeping the fast path has no use for.
//
// It accepts a subset of JSON: strings of printable ASCII (0x20–0x7f) with
// no backslash, nesting up to maxScanDepth. Anything else, valid or not,
// reports false and the body goes to read, which decides with jsontext.
// So scan never accepts a body jsontext would refuse: FuzzScan checks
// that, and that what it keeps is what read keeps.
func (a *action) scan(body []byte) bool {
	s := scanner{b: body}
	if !s.object(1, inTop) {
		return false
	}
	s.space()
	*a = s.act
	return s.i == len(s.b)
}

// maxScanDepth bounds the nesting scan follows; deeper bodies go to read.
const maxScanDepth = 32

// scanner holds the action it fills rather than a pointer to it: escape
// analysis gives up on the recursion, and a pointer would move the caller's
// action to the heap.
type scanner struct {
	b   []byte
	i   int
	act action
}

// The objects whose members scan keeps.
const (
	inOther = iota
	inTop
	inPayload
)

// member reads the value of the member named name (raw, with its quotes)
// of an object at depth, and reports whether it was well formed.
func (s *scanner) member(name []byte, depth, in int) bool {
	switch in {
	case inTop:
		return s.topMember(name, depth)
	case inPayload:
		return s.payloadMember(name, depth)
	}
	return s.value(depth + 1)
}

func (s *scanner) topMember(name []byte, depth int) bool {
	switch string(name) {
	case `"eventType"`:
		return s.keep(fieldEventType, depth)
	case `"payload"`:
		if s.act.enterPayload(s.peek() == '{') {
			return s.object(depth+1, inPayload)
		}
	}
	return s.value(depth + 1)
}

func (s *scanner) payloadMember(name []byte, depth int) bool {
	if f := payloadField(name); f >= 0 {
		return s.keep(f, depth)
	}
	return s.value(depth + 1)
}

// keep reads a member's value and keeps it as field.
func (s *scanner) keep(field, depth int) bool {
	s.space()
	start := s.i
	if !s.value(depth + 1) {
		return false
	}
	s.act.set(field, s.b[start:s.i])
	return true
}

// peek skips space and returns the next byte, 0 at the end. The test
// before the loop is for bodies without space, 8x8's, and lets peek and
// next be inlined.
func (s *scanner) peek() byte {
	if s.i < len(s.b) && s.b[s.i] > ' ' {
		return s.b[s.i]
	}
	return s.peekAfterSpace()
}

//go:noinline
func (s *scanner) peekAfterSpace() byte {
	s.space()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *scanner) space() {
	b, i := s.b, s.i
	for i < len(b) && b[i] <= ' ' && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	s.i = i
}

// next consumes c, after space, and reports whether it was there.
func (s *scanner) next(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return s.nextAfterSpace(c)
}

//go:noinline
func (s *scanner) nextAfterSpace(c byte) bool {
	s.space()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// value reads one value at depth, leaving s.i after it (values start at the
// next non-space byte).
func (s *scanner) value(depth int) bool {
	switch c := s.peek(); {
	case c == '"':
		_, ok := s.string()
		return ok
	case c == '{':
		return s.object(depth, inOther)
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

// object reads an object, in, handing each member to member.
func (s *scanner) object(depth, in int) bool {
	if depth > maxScanDepth || !s.next('{') {
		return false
	}
	if s.next('}') {
		return true
	}
	for {
		if s.peek() != '"' {
			return false
		}
		name, ok := s.string()
		if !ok || !s.next(':') || !s.member(name, depth, in) {
			return false
		}
		if s.next('}') {
			return true
		}
		if !s.next(',') {
			return false
		}
	}
}

func (s *scanner) array(depth int) bool {
	if depth > maxScanDepth || !s.next('[') {
		return false
	}
	if s.next(']') {
		return true
	}
	for {
		if !s.value(depth + 1) {
			return false
		}
		if s.next(']') {
			return true
		}
		if !s.next(',') {
			return false
		}
	}
}

// string reads a string at s.i (a quote) and returns it raw, with its
// quotes. Most of a webhook is strings, so they are looked at eight bytes
// at a time.
func (s *scanner) string() ([]byte, bool) {
	b, start := s.b, s.i
	j := start + 1
	for j+8 <= len(b) {
		if m := special(binary.LittleEndian.Uint64(b[j:])); m != 0 {
			j += bits.TrailingZeros64(m) / 8
			break
		}
		j += 8
	}
	for j < len(b) && b[j] >= 0x20 && b[j] < 0x80 && b[j] != '"' && b[j] != '\\' {
		j++
	}
	if j == len(b) || b[j] != '"' {
		return nil, false // the end, an escape, a control or a non-ASCII byte
	}
	s.i = j + 1
	return b[start:s.i], true
}

// special marks, in the top bit of each byte, the bytes of x that end a
// plain string: a quote, a backslash, a control or a non-ASCII byte. A
// borrow can mark a byte above a marked one wrongly; the lowest mark is
// always right, and it is the only one used.
func special(x uint64) uint64 {
	const ones, tops = 0x0101010101010101, 0x8080808080808080
	quote, backslash := x^(ones*'"'), x^(ones*'\\')
	return ((quote-ones)&^quote | (backslash-ones)&^backslash | (x-ones*0x20)&^x | x) & tops
}

func (s *scanner) literal(word string) bool {
	if !bytes.HasPrefix(s.b[s.i:], []byte(word)) {
		return false
	}
	s.i += len(word)
	return true
}

// number reads -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?.
func (s *scanner) number() bool {
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
func (s *scanner) digits() bool {
	start := s.i
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
	}
	return s.i > start
}
