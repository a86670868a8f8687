package platform

import (
	"math"

	jsonv2 "github.com/go-json-experiment/json"
)

// decodeJSONFast decodes body with the encoding/json/v2 prototype, which
// allocates a fraction of what encoding/json's Decoder with UseNumber
// does (a lookup's answer is decoded on every webhook that fetches it),
// or reports false for the strict path to decode or to word the error.
//
// v2 decodes every number as a float64 and is stricter than encoding/json
// (duplicate names, invalid UTF-8 and lone surrogates are errors): those
// bodies, and any holding a number the strict path decodes otherwise (an
// integer of 2^53 or more, which may be an int64 there; -0, which is 0
// there when written without a fraction), go the strict way.
func decodeJSONFast(body []byte) (any, bool) {
	var v any
	if jsonv2.Unmarshal(body, &v) != nil || !fastExact(v) {
		return nil, false
	}
	return v, true
}

// fastExact reports whether every number of v (decoded with float64
// numbers) is what the strict path decodes for it too.
func fastExact(v any) bool {
	switch x := v.(type) {
	case float64:
		if x == 0 {
			return !math.Signbit(x)
		}
		return math.Abs(x) < maxExact || x != math.Trunc(x)
	case map[string]any:
		for _, e := range x {
			if !fastExact(e) {
				return false
			}
		}
	case []any:
		for _, e := range x {
			if !fastExact(e) {
				return false
			}
		}
	}
	return true
}
