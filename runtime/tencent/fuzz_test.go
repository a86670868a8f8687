package tencent

import (
	"errors"
	"strings"
	"testing"

	"github.com/callflow/callflow/runtime/internal/golden"
	"github.com/callflow/callflow/runtime/platform"
)

// FuzzDecode checks that Decode never panics and returns either a complete
// event or a *platform.DecodeError, that an event survives Webhook, and
// that both fast paths, decodeScan and decodeFast, read what they accept
// as the strict path does.
func FuzzDecode(f *testing.F) {
	for _, name := range samples(f) {
		f.Add(sample(f, name))
	}
	for _, s := range []string{
		``, `null`, `[]`, `{}`, `"x"`, `{"Event":"CallInBound"}`,
		`{"Event":"CallInBound","SessionId":"s","CallInBound":{"Caller":"a","Callee":"b","AIAgentId":-0.0,"IvrId":1e15}}`,
		`{"Event":"CallInBound","SessionId":"s","CallInBound":{"Caller":"a","Callee":"b","AIAgentId":"1"}}`,
		`{"Event":"CallInBound","SessionId":"\ud800","CallInBound":{"Caller":"\u0000","Callee":"\xff"}}`,
		`{"Event":"CallInBound","SessionId":"s","CallInBound":{"Caller":"a","Callee":"b","AIAgentId":null,"IvrId":7}}`,
		`{"event":"CallInBound","SessionId":"s","CallInBound":{"Caller":"a","Callee":"b"}}`,
		`{"Event":"CallInBound","SessionId":"s","CallInBound":{"caller":"a","Caller":"a","Callee":"b"}}`,
		`{"Event":"CallInBound","SessionId":"s","SessionId":"t","CallInBound":{"Caller":"a","Callee":"b"}}`,
		`{"Event":"CallInBound","SessionId":"` + strings.Repeat("x", 60_000) + `","CallInBound":{"Caller":"a","Callee":"b"}}`,
		`{"Event":"CallInBound","SessionId":"s","CallInBound":{"Caller":"a","Callee":"b","AIAgentId":9007199254740993}}`,
		`{"Event":"CallInBound","SessionId":"s","CallInBound":{"Caller":"a","Callee":"b","AIAgentId":9007199254740991,"IvrId":0}}`,
		`{"Event":"CallInBound","SessionId":"s","CallInBound":{"Caller":"a","Callee":"b","AIAgentId":007,"IvrId":1.0}}`,
		`{"Event":"CallInBound","SessionId":"s","CallInBound":{"Caller":"a","Callee":"b","IvrId":1e3},"CallInBound":{}}`,
		` {"Event" : "CallInBound" , "SessionId":"s", "X":[{"y":[null,true]}],"CallInBound":{"Caller":"a","Callee":"b","Z":-1.5e-3}} `,
		`{"Event":"CallInBound","SessionId":"s","CallInBound":{"Caller":"a","Callee":"b","Callee":"c"}}`,
		`{"Event":"CallInBound","SessionId":"s","CallInBound":{"Caller":"a","Callee":null}}`,
		`{"Event":"CallInBound","SessionId":"s","CallInBound":null}`,
	} {
		f.Add([]byte(s))
	}
	a := New()
	f.Fuzz(func(t *testing.T, body []byte) {
		if fast, ok := decodeFast(body); ok {
			strict, err := decodeStrict(body)
			golden.SameEvent(t, body, fast, strict, err)
		}
		if scanned, ok := decodeScan(body); ok {
			strict, err := decodeStrict(body)
			golden.SameEvent(t, body, scanned, strict, err)
		}
		ev, err := a.Decode(body, nil)
		if err != nil {
			var de *platform.DecodeError
			if !errors.As(err, &de) || ev != nil {
				t.Fatalf("Decode = %v, %v (%T)", ev, err, err)
			}
			return
		}
		if ev == nil || ev.Kind != platform.CallStarted || ev.Session == "" || len(ev.Session) > platform.MaxID || ev.Delivery != ev.Session ||
			ev.RawJSON() == nil || ev.Bound.AgentID < 0 || ev.Bound.IVRID < 0 {
			t.Fatalf("incomplete event %+v", ev)
		}
		if _, err := a.Render(ev, &platform.Response{}); err != nil {
			t.Fatalf("Render: %v", err)
		}
		_ = a.Fallback(ev, platform.FallbackOptions{})
		built, err := a.Webhook(platform.Call{Session: ev.Session, Caller: ev.Caller, Callee: ev.Callee, Bound: ev.Bound})
		if err != nil {
			t.Fatalf("Webhook: %v", err)
		}
		again, err := a.Decode(built, nil)
		if err != nil {
			t.Fatalf("Decode(Webhook()): %v", err)
		}
		// Invalid UTF-8 becomes U+FFFD on the way out, so compare only
		// what survives encoding unchanged.
		if again.Bound != ev.Bound {
			t.Fatalf("Bound %+v became %+v", ev.Bound, again.Bound)
		}
	})
}
