package eightbyeight

import "github.com/callflow/callflow/runtime/internal/jsonscan"

// scan is the fast path's first try: jsonscan's one pass over a body in
// plain ASCII, which is what 8x8 sends, keeping the fields as it goes.
// Anything jsonscan refuses, valid or not, reports false and the body goes
// to read, which decides with jsontext. So scan never accepts a body
// jsontext would refuse: FuzzScan checks that, and that what it keeps is
// what read keeps.
func (a *action) scan(body []byte) bool {
	s := scanner{Scanner: jsonscan.New(body)}
	if !s.object(1, inTop) || !s.End() {
		return false
	}
	*a = s.act
	return true
}

// scanner holds the action it fills rather than a pointer to it: escape
// analysis gives up on the recursion, and a pointer would move the caller's
// action to the heap.
type scanner struct {
	jsonscan.Scanner
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
	return s.Value(depth + 1)
}

func (s *scanner) topMember(name []byte, depth int) bool {
	switch string(name) {
	case `"eventType"`:
		return s.keep(fieldEventType, depth)
	case `"payload"`:
		if s.act.enterPayload(s.Peek() == '{') {
			return s.object(depth+1, inPayload)
		}
	}
	return s.Value(depth + 1)
}

func (s *scanner) payloadMember(name []byte, depth int) bool {
	if f := payloadField(name); f >= 0 {
		return s.keep(f, depth)
	}
	return s.Value(depth + 1)
}

// keep reads a member's value and keeps it as field.
func (s *scanner) keep(field, depth int) bool {
	v, ok := s.Raw(depth + 1)
	if ok {
		s.act.set(field, v)
	}
	return ok
}

// object reads an object, in, handing each member to member.
func (s *scanner) object(depth, in int) bool {
	if !s.Open(depth) {
		return false
	}
	for first := true; ; first = false {
		name, done, ok := s.Member(first)
		if !ok || done {
			return ok
		}
		if !s.member(name, depth, in) {
			return false
		}
	}
}
