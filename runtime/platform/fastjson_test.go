package platform

import (
	"math"
	"reflect"
	"testing"
)

// FuzzDecodeJSON: DecodeJSON's fast path gives, for every body, what the
// strict path it replaces gives: the same value (numbers of the same type
// and bits: -0 stays apart from 0) or the same error.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{
		`{"vip":false,"name":""}`, `{"vip":true,"name":"Wang Wei","n":3}`, `[1,2.5,-0,-0.0,1e400,0.1e-400]`,
		`9007199254740993`, `9007199254740992.0`, `-9007199254740993`, `{"id":123456789012345678901}`,
		`{"a":1,"a":2}`, `"\ud800"`, "\"\xff\"", `{"a":[{"b":null}]} `, ` 1 2`, ``, `nul`, `{"a":}`,
		`"\u00e9\n"`, `{"x":{"y":{"z":[true,false,null,"s",1E2]}}}`, `[[[[[[[[[[]]]]]]]]]]`, "\ufeff{}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		want, wantErr := decodeJSONStrict(body)
		got, gotErr := DecodeJSON(body)
		if (wantErr == nil) != (gotErr == nil) || wantErr != nil && wantErr.Error() != gotErr.Error() {
			t.Fatalf("%q: error %v, the strict path's %v", body, gotErr, wantErr)
		}
		if !sameJSON(got, want) {
			t.Fatalf("%q: %#v, the strict path's %#v", body, got, want)
		}
	})
}

// sameJSON is reflect.DeepEqual with numbers compared by type and bits.
func sameJSON(a, b any) bool {
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		return ok && math.Float64bits(x) == math.Float64bits(y)
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, e := range x {
			if f, in := y[k]; !in || !sameJSON(e, f) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameJSON(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

// TestDecodeJSONFastTakesPlainAnswers: a CRM's plain answer takes the fast
// path (so the fuzz target above compares something), and the bodies the
// fast path would decode otherwise do not.
func TestDecodeJSONFastTakesPlainAnswers(t *testing.T) {
	for body, fast := range map[string]bool{
		`{"vip":false,"name":"","n":[1,2.5]}`: true,
		`9007199254740993`:                    false, // an int64 on the strict path
		`-0`:                                  false, // 0 on the strict path
		`{"a":1,"a":2}`:                       false, // the strict path keeps the last
		"\"\xff\"":                            false, // the strict path replaces it with U+FFFD
	} {
		if _, ok := decodeJSONFast([]byte(body)); ok != fast {
			t.Errorf("%s: fast path %v, want %v", body, ok, fast)
		}
	}
}
