package dispatch_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/callflow/callflow/runtime/callbot"
	"github.com/callflow/callflow/runtime/dispatch"
	"github.com/callflow/callflow/runtime/platform"
)

// A server that answered a callbot trigger with a 200 envelope dispatches
// it, and answers with the Result: {"request":{…},"response":{…}}.
func ExampleClient_Dispatch() {
	omicall := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		switch r.URL.Path {
		case "/api/auth":
			io.WriteString(w, `{"status_code":9999,"payload":{"access_token":"eyJ…","token_type":"Bearer"}}`)
		case "/api/call_bot/execute_by_phone":
			io.WriteString(w, `{"status_code":9999,"payload":{"autocall_id":"6552de1891be25"}}`)
		}
	}))
	defer omicall.Close()
	client := dispatch.New(dispatch.WithCallbot(omicall.URL, "API_KEY"))

	// What the engine rendered for trigger "t-42".
	reply, _ := callbot.New().Render(nil, &platform.Response{Actions: []platform.Action{platform.Campaign{
		Script: "653b155db0f794", CID: "842499950291", Dedupe: "t-42",
		Contacts: []platform.Contact{{Phone: "0988888888"}},
	}}})
	if reply.Status != http.StatusOK {
		return // 204: the flow declined, nothing to send
	}
	env, err := dispatch.ParseEnvelope(reply.Body)
	if err != nil {
		panic(err)
	}
	res, err := client.Dispatch(context.Background(), "callbot", "flow", "t-42", env)
	if err != nil {
		fmt.Println(err) // an *dispatch.Error; res still holds what was sent and answered
		return
	}
	res.Request.URL = "…" + res.Request.URL[len(omicall.URL):] // the test server's address varies
	json.NewEncoder(os.Stdout).Encode(res)

	again, _ := client.Dispatch(context.Background(), "callbot", "flow", "t-42", env)
	fmt.Println("sent again:", !again.Replayed)
	// Output:
	// {"request":{"method":"POST","url":"…/api/call_bot/execute_by_phone?cid=842499950291","body":{"bot_script_id":"653b155db0f794","speed":0,"cid":"842499950291","num_retry":0,"distance_retry":0,"ext_session_id":"t-42","auto_pause":false,"contact_info":[{"phone":"0988888888"}]}},"response":{"status":200,"body":{"status_code":9999,"payload":{"autocall_id":"6552de1891be25"}}}}
	// sent again: false
}
