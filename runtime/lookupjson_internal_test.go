package runtime

import (
	"reflect"
	"testing"

	"github.com/callflow/callflow/runtime/platform"
)

// lookupAnswers are bodies a CRM may answer, in and out of decodeFlat's
// subset, valid and not: the fuzz target's seeds and the unit test's cases.
var lookupAnswers = []string{
	`{"vip":false,"name":""}`,
	`{"vip":true,"name":"Wang Wei"}`,
	` { "a" : 1 , "b" : -12 , "c" : null , "d" : "x" } `,
	"{\n\t\"n\": 123456789012345\r\n}",
	`{}`, ` {} `, `{"":0}`,
	`{"n":1234567890123456}`, `{"n":9007199254740993}`, `{"n":-0}`, `{"n":0}`, `{"n":-7}`,
	`{"n":01}`, `{"n":1.5}`, `{"n":1e3}`, `{"n":1E3}`, `{"n":-}`, `{"n":1-}`,
	`{"a":1,"a":2}`, `{"a":"x","a":"y"}`,
	`{"name":"Zoë"}`, `{"name":"a\"b"}`, `{"name":"a\u00e9"}`, "{\"name\":\"a\x01\"}", "{\"name\":\"\xff\"}",
	`{"a":{"b":1}}`, `{"a":[1,2]}`, `[1,2]`, `"text"`, `12`, `true`, `null`, ``, ` `,
	`{"a":1}x`, `{"a":1} {}`, `{"a":1,}`, `{,}`, `{"a"}`, `{"a":}`, `{"a" 1}`, `{"a":1`, `{"a":tru}`, `{"a":truex}`,
	`{"a":nul}`, `{"a":falsey}`, `{a:1}`, `{"a":1 "b":2}`,
}

// decodeAnswer gives what platform.DecodeJSON gives for every body: the
// same value, or an error when it gives one.
func TestDecodeAnswerAsDecodeJSON(t *testing.T) {
	flat := 0
	for _, body := range lookupAnswers {
		if _, ok := decodeFlat([]byte(body)); ok {
			flat++
		}
		sameAsDecodeJSON(t, []byte(body))
	}
	if flat < 9 {
		t.Errorf("only %d of the bodies were scanned by hand; the test no longer tests it", flat)
	}
}

func sameAsDecodeJSON(t *testing.T, body []byte) {
	t.Helper()
	want, wantErr := platform.DecodeJSON(body)
	got, err := decodeAnswer(body)
	if (err != nil) != (wantErr != nil) || err != nil && err.Error() != wantErr.Error() {
		t.Fatalf("%q: error %v, DecodeJSON's %v", body, err, wantErr)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%q: %#v, DecodeJSON's %#v", body, got, want)
	}
	if v, ok := decodeFlat(body); ok && !reflect.DeepEqual(v, want) {
		t.Fatalf("%q: scanned by hand as %#v, DecodeJSON's %#v", body, v, want)
	}
}

func FuzzDecodeAnswer(f *testing.F) {
	for _, b := range lookupAnswers {
		f.Add([]byte(b))
	}
	f.Fuzz(func(t *testing.T, body []byte) { sameAsDecodeJSON(t, body) })
}
