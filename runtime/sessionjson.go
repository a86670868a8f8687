package runtime

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"time"
)

// sessionFields is Session without its JSON methods.
type sessionFields Session

// sessionWire is a Session as JSON: values whose Go type JSON would lose
// (an int would come back a float64, an int64 beyond 2^53 a rounded
// float64, a time a string), at any depth of a list or map, are held apart
// with their types, so expressions typed at compile time see the same
// types after the session went through a store. Values that JSON keeps
// (strings, float64s, bools, nil, and lists and maps of them) stay plain.
type sessionWire struct {
	sessionFields
	TypedVars    map[string]typedValue `json:"tv,omitempty"`
	TypedLookups map[string]typedValue `json:"tl,omitempty"`
}

// typedValue is a value with its Go type: T is int, int64, time or
// duration with V its text; list with L, or map with M, their elements
// typed; or json with J, a plain value inside a list or map.
type typedValue struct {
	T string                `json:"t"`
	V string                `json:"v,omitempty"`
	L []typedValue          `json:"l,omitempty"`
	M map[string]typedValue `json:"m,omitempty"`
	J json.RawMessage       `json:"j,omitempty"`
}

// MarshalJSON encodes the session, keeping the Go types of its variables
// and lookup results.
func (s Session) MarshalJSON() ([]byte, error) {
	w := sessionWire{sessionFields: sessionFields(s)}
	var err error
	if w.Vars, w.TypedVars, err = splitTyped(s.Vars); err != nil {
		return nil, err
	}
	if w.Lookups, w.TypedLookups, err = splitTyped(s.Lookups); err != nil {
		return nil, err
	}
	return json.Marshal(w)
}

// UnmarshalJSON decodes what MarshalJSON encoded.
func (s *Session) UnmarshalJSON(b []byte) error {
	var w sessionWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*s = Session(w.sessionFields)
	var err error
	if s.Vars, err = joinTyped(s.Vars, w.TypedVars); err != nil {
		return err
	}
	s.Lookups, err = joinTyped(s.Lookups, w.TypedLookups)
	return err
}

// splitTyped returns m without the values JSON cannot carry, and those
// values with their types.
func splitTyped(m map[string]any) (map[string]any, map[string]typedValue, error) {
	var plain map[string]any
	var typed map[string]typedValue
	for k, v := range m {
		if !needsType(v) {
			continue
		}
		tv, err := encodeTyped(v)
		if err != nil {
			return nil, nil, fmt.Errorf("session value %s: %w", k, err)
		}
		if typed == nil {
			typed, plain = map[string]typedValue{}, maps.Clone(m)
		}
		typed[k] = tv
		delete(plain, k)
	}
	if typed == nil {
		return m, nil, nil
	}
	return plain, typed, nil
}

// needsType says whether JSON would change v's Go type, or that of
// something inside it.
func needsType(v any) bool {
	switch x := v.(type) {
	case int, int64, time.Time, time.Duration:
		return true
	case []any:
		for _, e := range x {
			if needsType(e) {
				return true
			}
		}
	case map[string]any:
		for _, e := range x {
			if needsType(e) {
				return true
			}
		}
	}
	return false
}

func encodeTyped(v any) (typedValue, error) {
	switch x := v.(type) {
	case int:
		return typedValue{T: "int", V: strconv.Itoa(x)}, nil
	case int64: // a webhook's integer beyond 2^53 (platform.Number): kept exact
		return typedValue{T: "int64", V: strconv.FormatInt(x, 10)}, nil
	case time.Time:
		return typedValue{T: "time", V: x.Format(time.RFC3339Nano)}, nil
	case time.Duration:
		return typedValue{T: "duration", V: strconv.FormatInt(int64(x), 10)}, nil
	case []any:
		if !needsType(x) {
			break
		}
		l := make([]typedValue, len(x))
		for i, e := range x {
			var err error
			if l[i], err = encodeTyped(e); err != nil {
				return typedValue{}, err
			}
		}
		return typedValue{T: "list", L: l}, nil
	case map[string]any:
		if !needsType(x) {
			break
		}
		m := make(map[string]typedValue, len(x))
		for k, e := range x {
			tv, err := encodeTyped(e)
			if err != nil {
				return typedValue{}, err
			}
			m[k] = tv
		}
		return typedValue{T: "map", M: m}, nil
	}
	j, err := json.Marshal(v)
	return typedValue{T: "json", J: j}, err
}

func joinTyped(m map[string]any, typed map[string]typedValue) (map[string]any, error) {
	for k, tv := range typed {
		v, err := decodeTyped(tv)
		if err != nil {
			return nil, fmt.Errorf("session value %s: %w", k, err)
		}
		if m == nil {
			m = map[string]any{}
		}
		m[k] = v
	}
	return m, nil
}

func decodeTyped(tv typedValue) (any, error) {
	switch tv.T {
	case "int":
		return strconv.Atoi(tv.V)
	case "int64":
		return strconv.ParseInt(tv.V, 10, 64)
	case "time":
		return time.Parse(time.RFC3339Nano, tv.V)
	case "duration":
		n, err := strconv.ParseInt(tv.V, 10, 64)
		return time.Duration(n), err
	case "list":
		l := make([]any, len(tv.L))
		for i, e := range tv.L {
			var err error
			if l[i], err = decodeTyped(e); err != nil {
				return nil, err
			}
		}
		return l, nil
	case "map":
		m := make(map[string]any, len(tv.M))
		for k, e := range tv.M {
			v, err := decodeTyped(e)
			if err != nil {
				return nil, err
			}
			m[k] = v
		}
		return m, nil
	case "json":
		var v any
		err := json.Unmarshal(tv.J, &v)
		return v, err
	}
	return nil, errors.New("unknown value type " + strconv.Quote(tv.T))
}
