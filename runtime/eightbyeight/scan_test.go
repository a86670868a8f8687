package eightbyeight

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/callflow/callflow/runtime/internal/jsonscan"
	"github.com/callflow/callflow/runtime/platform"
)

// FuzzScan checks scan against jsontext: a body scan accepts is valid JSON
// to jsontext, and scan keeps exactly what read keeps from it.
func FuzzScan(f *testing.F) {
	addSamples(f)
	for _, s := range []string{
		`{}`, `{"a":[1,-0.5e+7,true,false,null,{"b":[]}],"payload":{"eventData":{"dtmf":"1"}}}`,
		`{"a":01}`, `{"a":1.}`, `{"a":-}`, `{"a":1e}`, `{"a":tru}`, `{"a":[1,]}`, `{"a":{"b":1,}}`,
		`{"a":1}x`, `{"a" 1}`, `{"a":1 "b":2}`, `{"eventType":"CALL_ACTION","payload":"x"}`,
		`{"payload":{"sessionId":"s","sessionId":"t"},"payload":{}}`, "{\"a\":\"\x7f\"}", "{\"a\":\"\x1f\"}",
		`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`,
		`{"payload":{"callStatus":"","callDirection00"","":""}}`, `{"payload":{"eventId" :"e","callId":"c","source":"s"}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var scanned action
		if !scanned.scan(body) {
			return
		}
		if !jsontext.Value(body).IsValid(allowDuplicates) {
			t.Fatalf("scan accepted %q, which is not valid JSON", body)
		}
		var read action
		if !read.read(body) {
			t.Fatalf("scan accepted %q, read did not", body)
		}
		if scanned.payload != read.payload || scanned.odd != read.odd || scanned.seen != read.seen {
			t.Fatalf("scan %+v, read %+v", scanned, read)
		}
		for f := range scanned.raw {
			if !bytes.Equal(scanned.raw[f], read.raw[f]) || (scanned.raw[f] == nil) != (read.raw[f] == nil) {
				t.Fatalf("field %d: scan %q, read %q", f, scanned.raw[f], read.raw[f])
			}
		}
	})
}

// TestScanDeclines shows what scan leaves to the decoder: escapes and
// non-ASCII text, valid or not, and invalid JSON.
func TestScanDeclines(t *testing.T) {
	for _, body := range []string{
		`{"eventType":"CALL_\u0041CTION"}`, `{"source":"Zoë"}`, `{"a":"\ud800"}`, "{\"a\":\"\xff\"}",
		`{"a":1,}`, `{"a":1} {}`, ``, `[]`,
	} {
		var a action
		if a.scan([]byte(body)) {
			t.Errorf("scan accepted %s", body)
		}
	}
}

// BenchmarkDecodeAction compares the two passes of the fast path on a
// capture answer, and times the whole fast decode (decode: the scan, the
// strings cut from it and the event).
func BenchmarkDecodeAction(b *testing.B) {
	digits := "9"
	body, err := New().Webhook(platform.Call{Session: "1c6a3f3e-4f0b-4a8e-9d6c-0b7e5c2d1a90", Delivery: "e1", Caller: "+6591234567",
		Callee: "+6512345678", Resume: "AcSQ5ckGBAdzdXBwb3J0EHYxMjM0NTY3ODlhYmNkZWYFb3JkZXJ6pXJ7w2kKl0G_0t8GxA", Digits: &digits})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("scan", func(b *testing.B) {
		for b.Loop() {
			var a action
			if !a.scan(body) {
				b.Fatal("declined")
			}
		}
	})
	// scan-cold scans 32,768 copies of the body (18 MB) in a shuffled
	// order, each out of the caches where no prefetch finds it: the
	// misses, not the scan's work, make the difference from scan.
	bodies := make([][]byte, 1<<15)
	for i := range bodies {
		bodies[i] = bytes.Clone(body)
	}
	rand.Shuffle(len(bodies), func(i, j int) { bodies[i], bodies[j] = bodies[j], bodies[i] })
	b.Run("scan-cold", func(b *testing.B) {
		i := 0
		for b.Loop() {
			var a action
			if !a.scan(bodies[i%len(bodies)]) {
				b.Fatal("declined")
			}
			i++
		}
	})
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, ok := decodeFast(body); !ok {
				b.Fatal("declined")
			}
		}
	})
	b.Run("jsontext", func(b *testing.B) {
		for b.Loop() {
			var a action
			if !a.read(body) {
				b.Fatal("declined")
			}
		}
	})
}

// TestNamesAreTheWebhooks: the names the scan guesses are the members of
// a webhook in the order Webhook writes them, vca's, so every guess holds
// on the bodies the benchmarks make; and each payload name has its field.
func TestNamesAreTheWebhooks(t *testing.T) {
	for _, c := range []struct {
		names *jsonscan.Names
		typ   reflect.Type
	}{{topNames, reflect.TypeFor[vca]()}, {payloadNames, reflect.TypeFor[vcaPayload]()}} {
		for k := range c.typ.NumField() {
			name, _, _ := strings.Cut(c.typ.Field(k).Tag.Get("json"), ",")
			if got := c.names.Index([]byte(`"` + name + `"`)); got != k {
				t.Errorf("%s: index %d, want %d", name, got, k)
			}
		}
	}
	if len(payloadFields) != reflect.TypeFor[vcaPayload]().NumField() {
		t.Errorf("%d payload fields for %d names", len(payloadFields), reflect.TypeFor[vcaPayload]().NumField())
	}
}
