package platform

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
)

// Numbers in webhooks are decoded exactly: as float64, as encoding/json
// decodes them, except an integer written without fraction or exponent that
// float64 cannot hold exactly (beyond ±2^53) and that fits in an int64,
// which is decoded as an int64. A Tencent AIAgentId of 9007199254740993,
// an order number or a customer id in a trigger's data comes back in the
// answer as it was sent, not rounded to 9007199254740992. Every other
// number keeps the float64 flows have always seen.

// maxExact is 2^53: every integer of smaller magnitude is a float64 exactly.
const maxExact = 1 << 53

// DecodeJSON parses exactly one JSON value, with numbers as Number decodes
// them. A number out of float64's range is a *DecodeError naming its path.
//
// Well-formed bodies take a fast path (decodeJSONFast) that gives the same
// value; everything else, and every error, comes from the strict path.
func DecodeJSON(body []byte) (any, error) {
	if v, ok := decodeJSONFast(body); ok {
		return v, nil
	}
	return decodeJSONStrict(body)
}

// decodeJSONStrict is DecodeJSON's strict path: encoding/json with
// json.Number, then ExactNumbers.
func decodeJSONStrict(body []byte) (any, error) {
	v, err := DecodeJSONNumbers(body)
	if err != nil {
		return nil, err
	}
	if n, ok := v.(json.Number); ok {
		x, ok := Number(n)
		if !ok {
			return nil, &DecodeError{Msg: "number out of range"}
		}
		return x, nil
	}
	return v, ExactNumbers(v, "")
}

// DecodeJSONNumbers parses exactly one JSON value, keeping its numbers as
// json.Number, as written: for a decoder that reads some numbers as text
// (8x8's dtmf) before ExactNumbers converts the rest.
func DecodeJSONNumbers(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("data after the JSON value")
	}
	return v, nil
}

// Number is the value of a JSON number: an int64 for an integer literal
// beyond ±2^53 that fits in one, else a float64; false when it is out of
// float64's range.
func Number(n json.Number) (any, bool) {
	s := string(n)
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		if i > -maxExact && i < maxExact {
			return float64(i), true
		}
		return i, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) {
		return nil, false
	}
	return f, true
}

// ExactNumbers replaces the json.Numbers in the maps and slices of v by
// their values (Number). A number out of float64's range is a *DecodeError
// at its path, the first in key order, so always the same one.
func ExactNumbers(v any, path string) error {
	if exactNumbers(v, path, false) == nil {
		return nil
	}
	// Numbers out of range stay json.Numbers: walk again in key order to
	// name the first of them.
	return exactNumbers(v, path, true)
}

func exactNumbers(v any, path string, sorted bool) error {
	switch x := v.(type) {
	case map[string]any:
		if !sorted {
			for k, e := range x {
				if err := exactMember(e, member{path, k, -1}, func(n any) { x[k] = n }, sorted); err != nil {
					return err
				}
			}
			return nil
		}
		for _, k := range slices.Sorted(maps.Keys(x)) {
			if err := exactMember(x[k], member{path, k, -1}, func(n any) { x[k] = n }, sorted); err != nil {
				return err
			}
		}
	case []any:
		for i, e := range x {
			if err := exactMember(e, member{path, "", i}, func(n any) { x[i] = n }, sorted); err != nil {
				return err
			}
		}
	}
	return nil
}

// member is where a value is: key in the object at path, or index (0 or
// more) in the array at path. Its path is only built when it is needed.
type member struct {
	path, key string
	index     int
}

func (m member) String() string {
	switch {
	case m.index >= 0:
		return m.path + "[" + strconv.Itoa(m.index) + "]"
	case m.path == "":
		return m.key
	}
	return m.path + "." + m.key
}

// exactMember converts one member's value.
func exactMember(e any, at member, set func(any), sorted bool) error {
	switch x := e.(type) {
	case json.Number:
		val, ok := Number(x)
		if !ok {
			return &DecodeError{Field: at.String(), Msg: "number out of range"}
		}
		set(val)
		return nil
	case map[string]any, []any:
		return exactNumbers(x, at.String(), sorted)
	}
	return nil
}

// Inexact reports whether v (decoded with float64 numbers) holds a number
// DecodeJSON may decode otherwise: an integral float64 of magnitude 2^53 or
// more. A fast path that decodes into float64 gives such bodies to its
// strict path.
func Inexact(v any) bool {
	switch x := v.(type) {
	case float64:
		return math.Abs(x) >= maxExact && x == math.Trunc(x)
	case map[string]any:
		for _, e := range x {
			if Inexact(e) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if Inexact(e) {
				return true
			}
		}
	}
	return false
}
