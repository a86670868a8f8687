package platform

import (
	"errors"
	"math"
	"reflect"
	"testing"
)

// Numbers are decoded exactly: integers beyond ±2^53 as int64, everything
// else as the float64 encoding/json gives.
func TestDecodeJSONNumbers(t *testing.T) {
	tests := []struct {
		in   string
		want any
	}{
		{`0`, 0.0},
		{`-7`, -7.0},
		{`1.5`, 1.5},
		{`9007199254740991`, float64(1<<53 - 1)},
		{`9007199254740992`, int64(1 << 53)},
		{`9007199254740993`, int64(1<<53 + 1)},
		{`-9007199254740993`, int64(-(1<<53 + 1))},
		{`9223372036854775807`, int64(math.MaxInt64)},
		{`-9223372036854775808`, int64(math.MinInt64)},
		{`9223372036854775808`, 9223372036854775808.0}, // beyond int64: float64, as before
		{`9.007199254740993e15`, 9007199254740992.0},   // an exponent is a float64
		{`1e308`, 1e308},
		{`{"a":{"b":[9007199254740993,{"c":1}]}}`, map[string]any{"a": map[string]any{"b": []any{int64(1<<53 + 1), map[string]any{"c": 1.0}}}}},
	}
	for _, tt := range tests {
		got, err := DecodeJSON([]byte(tt.in))
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("DecodeJSON(%s) = %#v, %v; want %#v", tt.in, got, err, tt.want)
		}
	}
}

func TestDecodeJSONOutOfRange(t *testing.T) {
	for in, field := range map[string]string{
		`1e999`:                        "",
		`{"b":1,"a":[1,-1e400]}`:       "a[1]",
		`{"x":{"z":1e999,"y":-1e999}}`: "x.y",
	} {
		_, err := DecodeJSON([]byte(in))
		var de *DecodeError
		if !errors.As(err, &de) || de.Field != field || de.Msg != "number out of range" {
			t.Errorf("DecodeJSON(%s) = %v, want a DecodeError at %q", in, err, field)
		}
	}
}

func TestInexact(t *testing.T) {
	for _, v := range []any{9007199254740992.0, -9007199254740992.0, 1e300, map[string]any{"a": []any{1.0, 1e16}}} {
		if !Inexact(v) {
			t.Errorf("Inexact(%v) = false", v)
		}
	}
	for _, v := range []any{9007199254740991.0, 1.5e15 + 0.5, "9007199254740993", map[string]any{"a": []any{1.0}}, nil} {
		if Inexact(v) {
			t.Errorf("Inexact(%v) = true", v)
		}
	}
}

func TestDecodeJSONEmptyKeyOutOfRange(t *testing.T) {
	_, err := DecodeJSON([]byte(`{"":{"":[1e999]}}`))
	var de *DecodeError
	if !errors.As(err, &de) || de.Field != "[0]" { // empty keys leave no mark in the path; what matters is no panic
		t.Errorf("DecodeJSON = %v, want a DecodeError at %q", err, "[0]")
	}
}
