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
	if !s.top() || !s.End() {
		return false
	}
	*a = s.act
	return true
}

// scanner holds the action it fills rather than a pointer to it: escape
// analysis gives up on jsonscan's recursion, and a pointer would move the caller's
// action to the heap.
type scanner struct {
	jsonscan.Scanner
	act action
}

// top reads the webhook's object, depth 1, keeping eventType and reading
// payload's members.
func (s *scanner) top() bool {
	if !s.Open(1) {
		return false
	}
	for first := true; ; first = false {
		name, done, ok := s.Member(first)
		if !ok || done {
			return ok
		}
		switch string(name) {
		case `"eventType"`:
			ok = s.keep(fieldEventType, 2)
		case `"payload"`:
			if s.act.enterPayload(s.Peek() == '{') {
				ok = s.payload()
			} else {
				ok = s.Value(2)
			}
		default:
			ok = s.Value(2)
		}
		if !ok {
			return false
		}
	}
}

// payload reads the payload object, depth 2, keeping the members the
// event is made of and skipping the others. Each object has its own loop,
// not one loop told which object it reads: the dispatch cost as much as
// matching the names.
func (s *scanner) payload() bool {
	if !s.Open(2) {
		return false
	}
	for first := true; ; first = false {
		name, done, ok := s.Member(first)
		if !ok || done {
			return ok
		}
		if f := payloadField(name); f >= 0 {
			ok = s.keep(f, 3)
		} else {
			ok = s.Value(3)
		}
		if !ok {
			return false
		}
	}
}

// keep reads a member's value at depth and keeps it as field.
func (s *scanner) keep(field, depth int) bool {
	v, ok := s.Raw(depth)
	if ok {
		s.act.set(field, v)
	}
	return ok
}
