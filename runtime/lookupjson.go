package runtime

import (
	"bytes"
	"strconv"

	"github.com/callflow/callflow/runtime/internal/jsonscan"
	"github.com/callflow/callflow/runtime/platform"
)

// decodeAnswer decodes the JSON answer of a lookup or a post as
// platform.DecodeJSON does. What CRMs answer most, one object of plain
// members ({"vip":false,"name":"Li"}), is scanned by hand (decodeFlat),
// at a third of the general decoder's cost; anything else is the general
// decoder's, so its values and errors are the same.
func decodeAnswer(b []byte) (any, error) {
	if v, ok := decodeFlat(b); ok {
		return v, nil
	}
	return platform.DecodeJSON(b)
}

// decodeFlat decodes b when it is one JSON object whose member names are
// printable ASCII without escapes, each name once, and whose values are
// such strings, true, false, null or integers of at most 15 digits (not
// -0), with JSON's white space around tokens. Those are the bodies on
// which it gives what platform.DecodeJSON gives: a map[string]any of
// strings, bools, nils and float64s. Any other body, valid or not, is
// reported false, for DecodeJSON to decode or refuse. The grammar is
// jsonscan's, the adapters' fast scanner, whose strings are this subset's.
func decodeFlat(b []byte) (map[string]any, bool) {
	s := jsonscan.New(b)
	if !s.Open(0) {
		return nil, false
	}
	m := map[string]any{}
	for first := true; ; first = false {
		name, done, ok := s.Member(first)
		if !ok || done {
			return m, ok && s.End()
		}
		raw, ok := s.Raw(1)
		if !ok {
			return nil, false
		}
		v, ok := flatValue(raw)
		if !ok {
			return nil, false
		}
		n := len(m)
		if m[string(name[1:len(name)-1])] = v; len(m) == n {
			return nil, false // a name twice: the general decoder's rules for duplicates apply
		}
	}
}

// maxFlatDigits bounds the integers decodeFlat takes: every integer of 15
// digits is below 2^53, so a float64 holds it exactly, as DecodeJSON's.
const maxFlatDigits = 15

// flatValue is the value of a member jsonscan read (raw, as written, of
// valid grammar), when it is of decodeFlat's subset: a string, a literal,
// or an integer without fraction or exponent of at most maxFlatDigits
// digits, not -0.
func flatValue(raw []byte) (any, bool) {
	switch raw[0] {
	case '"':
		return string(raw[1 : len(raw)-1]), true
	case 't':
		return true, true
	case 'f':
		return false, true
	case 'n':
		return nil, true
	case '{', '[':
		return nil, false
	}
	digits := len(raw)
	if raw[0] == '-' {
		digits--
	}
	if digits > maxFlatDigits || bytes.ContainsAny(raw, ".eE") {
		return nil, false
	}
	i, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil || i == 0 && raw[0] == '-' {
		return nil, false
	}
	return float64(i), true
}
