package tencent

import (
	"strings"

	"github.com/callflow/callflow/runtime/internal/jsonscan"
	"github.com/callflow/callflow/runtime/platform"
)

// scanned is what the fast path's first try keeps of a CallInBound
// webhook: the raw values of the six members the engine reads.
type scanned struct {
	raw  [numScanned][]byte // nil when absent
	seen uint8              // the members read, as bits 1<<field
}

// The members scanned.raw keeps.
const (
	scanEvent = iota
	scanSession
	scanCaller
	scanCallee
	scanAgent
	scanIVR
	numScanned
	scanCall = numScanned // CallInBound itself: only its seen bit
)

// scanner holds what it fills by value: see jsonscan.Scanner.
type scanner struct {
	jsonscan.Scanner
	got scanned
}

// decodeScan is the fast path's first try: jsonscan's one pass over a body
// in plain ASCII, which is what Tencent sends, keeping the members as it
// goes, then the same checks as decodeFast. Anything else, a member
// repeated or in a shape decodeFast would not take (a string where an id
// is, an id written 1e3 or 12.0), reports false and the body goes to
// decodeFast. FuzzDecode checks that what it accepts the strict path reads
// the same.
func decodeScan(body []byte) (*platform.Event, bool) {
	s := scanner{Scanner: jsonscan.New(body)}
	if !s.object(1, inTop) || !s.End() {
		return nil, false
	}
	g := &s.got
	agent, ok1 := scanID(g.raw[scanAgent])
	ivr, ok2 := scanID(g.raw[scanIVR])
	if !ok1 || !ok2 || string(g.raw[scanEvent]) != `"CallInBound"` {
		return nil, false
	}
	str, ok := g.strings()
	session, caller, callee := str[0], str[1], str[2]
	if !ok || session == "" || len(session) > platform.MaxID || caller == "" || callee == "" ||
		len(caller) > platform.MaxNumber || len(callee) > platform.MaxNumber {
		return nil, false
	}
	return &platform.Event{
		Kind: platform.CallStarted, Platform: Name, Session: session, Delivery: session,
		Caller: caller, Callee: callee, Body: body,
		Bound: platform.Bound{AgentID: agent, IVRID: ivr},
	}, true
}

// The objects whose members the scan keeps.
const (
	inTop = iota
	inCall
)

// object reads an object at depth, in, handing each member to member.
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

// member reads the value of the member named name (raw, with its quotes)
// of an object at depth, and reports whether it was well formed and in a
// shape the scan takes.
func (s *scanner) member(name []byte, depth, in int) bool {
	field := -1
	switch in {
	case inTop:
		switch string(name) {
		case `"Event"`:
			field = scanEvent
		case `"SessionId"`:
			field = scanSession
		case `"CallInBound"`:
			return s.mark(scanCall) && s.Peek() == '{' && s.object(depth+1, inCall)
		}
	case inCall:
		switch string(name) {
		case `"Caller"`:
			field = scanCaller
		case `"Callee"`:
			field = scanCallee
		case `"AIAgentId"`:
			field = scanAgent
		case `"IvrId"`:
			field = scanIVR
		}
	}
	if field < 0 {
		return s.Value(depth + 1)
	}
	return s.keep(field, depth)
}

// keep reads the value of a member of an object at depth as field; a
// member seen twice is refused.
func (s *scanner) keep(field, depth int) bool {
	if !s.mark(field) {
		return false
	}
	v, ok := s.Raw(depth + 1)
	s.got.raw[field] = v
	return ok
}

// mark notes field as read, false when it was read before.
func (s *scanner) mark(field int) bool {
	if s.got.seen&(1<<field) != 0 {
		return false
	}
	s.got.seen |= 1 << field
	return true
}

// strings returns SessionId, Caller and Callee ("" when absent), cut from
// one allocation; ok is false when one is not a string.
func (g *scanned) strings() (out [3]string, ok bool) {
	fields := [3][]byte{g.raw[scanSession], g.raw[scanCaller], g.raw[scanCallee]}
	n := 0
	for _, v := range fields {
		if v != nil && v[0] != '"' {
			return out, false
		}
		n += max(len(v)-2, 0)
	}
	var b strings.Builder
	b.Grow(n)
	for _, v := range fields {
		if v != nil {
			b.Write(v[1 : len(v)-1])
		}
	}
	all, at := b.String(), 0
	for i, v := range fields {
		if v != nil {
			out[i] = all[at : at+len(v)-2]
			at += len(v) - 2
		}
	}
	return out, true
}

// scanID reads an AIAgentId or IvrId: absent or null is 0 (none bound),
// else a plain non-negative integer below 2^53; any other number is
// decodeFast's.
func scanID(raw []byte) (int64, bool) {
	if raw == nil || string(raw) == "null" {
		return 0, true
	}
	if len(raw) > 16 || raw[0] == '0' && len(raw) > 1 {
		return 0, false
	}
	var n int64
	for _, c := range raw {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, n < maxExactID
}
