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

// The names of the webhook's members and of its payload's, in the order
// 8x8 writes them (see vca): all are listed, the ones the scan skips too,
// so that MemberOf's guesses hold for every member of a webhook.
var (
	topNames     = jsonscan.NewNames("namespace", "eventType", "description", "payload")
	payloadNames = jsonscan.NewNames("eventId", "callId", "sessionId", "callStatus", "callDirection", "callType",
		"source", "destination", "sourceFormat", "destinationFormat", "callDuration", "eventData", "timestamp",
		"clientActionId")
	// payloadFields is the field each of payloadNames is kept as, -1 for
	// the ones skipped.
	payloadFields = [...]int{fieldEventID, -1, fieldSessionID, fieldCallStatus, -1, -1,
		fieldSource, fieldDestination, -1, -1, -1, fieldEventData, -1, fieldResume}
)

// The members of topNames the scan reads.
var (
	topEventType = topNames.Index([]byte(`"eventType"`))
	topPayload   = topNames.Index([]byte(`"payload"`))
)

// top reads the webhook's object, depth 1, keeping eventType and reading
// payload's members.
func (s *scanner) top() bool {
	if !s.Open(1) {
		return false
	}
	for first, k := true, -1; ; first = false {
		var str []byte
		var done, ok bool
		k, str, done, ok = s.MemberOf(first, topNames, k+1)
		switch {
		case !ok || done:
			return ok
		case k == topEventType:
			ok = s.keep(fieldEventType, str, 2)
		case k == topPayload && s.act.enterPayload(str == nil && s.Peek() == '{'):
			ok = s.payload()
		case str == nil:
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
	for first, k := true, -1; ; first = false {
		var str []byte
		var done, ok bool
		k, str, done, ok = s.MemberOf(first, payloadNames, k+1)
		switch {
		case !ok || done:
			return ok
		case k >= 0 && payloadFields[k] >= 0:
			ok = s.keep(payloadFields[k], str, 3)
		case str == nil:
			ok = s.Value(3)
		}
		if !ok {
			return false
		}
	}
}

// keep keeps a member's value as field: str, the value MemberOf read, or
// else the value at depth.
func (s *scanner) keep(field int, str []byte, depth int) bool {
	if str == nil {
		var ok bool
		if str, ok = s.Raw(depth); !ok {
			return false
		}
	}
	s.act.set(field, str)
	return true
}
