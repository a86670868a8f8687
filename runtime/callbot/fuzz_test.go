package callbot

import (
	"errors"
	"net/http"
	"testing"

	"github.com/callflow/callflow/runtime/platform"
)

// FuzzDecode checks that Decode never panics and returns either a complete
// event or a *platform.DecodeError, and that an event survives Webhook.
func FuzzDecode(f *testing.F) {
	for _, name := range samples(f) {
		f.Add(sample(f, name))
	}
	for _, s := range []string{
		``, `null`, `[]`, `{}`, `"x"`, `{"id":"t"}`, `{"id":"t","from":"","to":"","data":null}`,
		`{"id":"t","from":"a","to":"b","data":{"a":{"b":{"c":[1,2,{"d":1e308}]}}}}`,
		`{"id":"\ud800","from":"\u0000","to":"\xff","data":{"\u2028":"<&>"}}`,
	} {
		f.Add([]byte(s))
	}
	a := New()
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := a.Decode(body, nil)
		if err != nil {
			var de *platform.DecodeError
			if !errors.As(err, &de) || ev != nil {
				t.Fatalf("Decode = %v, %v (%T)", ev, err, err)
			}
			return
		}
		if ev == nil || ev.Kind != platform.Trigger || ev.Session == "" || ev.Delivery != ev.Session || ev.Raw == nil || ev.Data == nil {
			t.Fatalf("incomplete event %+v", ev)
		}
		if reply, err := a.Render(ev, nil); err != nil || reply.Status != http.StatusNoContent {
			t.Fatalf("Render = %+v, %v", reply, err)
		}
		built, err := a.Webhook(platform.Call{Session: ev.Session, Caller: ev.Caller, Callee: ev.Callee, Data: ev.Data})
		if err != nil {
			t.Fatalf("Webhook: %v", err)
		}
		if _, err := a.Decode(built, nil); err != nil {
			t.Fatalf("Decode(Webhook()): %v\n%s", err, built)
		}
	})
}
