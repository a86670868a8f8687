package runtime_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/platform"
)

// `contact caller` reaches OMICall in the national form of its examples
// (seed 003: "0988888888"); a phone the flow writes another way is its
// choice and is sent as written.
func TestCallbotContactCallerIsNational(t *testing.T) {
	eng := newEngine(t, compile(t, "g.flow", `flow g
target callbot
otherwise -> main
handler main {
  campaign "c" {
    script "s"
    contact caller
    contact "+84 98 888 8888"
    contact "0988888888"
    contacts [{phone: "+6587654321"}]
  }
}
`))
	body := webhook(t, "callbot", platform.Call{Session: "t-1", Caller: "+84912345678", Callee: "842499950291"})
	res, err := eng.Serve(context.Background(), &runtime.Request{Platform: "callbot", Flow: "g", Body: body})
	if err != nil {
		t.Fatal(err)
	}
	var env struct {
		Body struct {
			ContactInfo []struct{ Phone string } `json:"contact_info"`
		}
	}
	if err := json.Unmarshal(res.Reply.Body, &env); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range env.Body.ContactInfo {
		got = append(got, c.Phone)
	}
	if want := []string{"0912345678", "+84 98 888 8888", "0988888888", "+6587654321"}; !slices.Equal(got, want) {
		t.Errorf("phones sent %q, want %q", got, want)
	}
}
