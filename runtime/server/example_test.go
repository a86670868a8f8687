package server_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/server"
)

func Example() {
	prog, _ := lang.CompileFile("hello.flow", []byte(`flow hello

target tencent
number "+8675566668888"

otherwise -> main

handler main {
  agent 388
}
`))
	m := server.NewMetrics()
	eng, _ := runtime.New(runtime.WithFlows(prog), runtime.WithLookupObserver(m.ObserveLookup))
	srv, _ := server.New(eng, server.WithMetrics(m), server.WithAuth(server.Auth{
		Trigger: server.NewSecret("from-the-environment"),
	}))
	ts := httptest.NewServer(srv) // in production: an http.Server with timeouts
	defer ts.Close()

	webhook := `{"Event":"CallInBound","SessionId":"s-1","SdkAppId":1,"CallInBound":{"Caller":"+8613066668888","Callee":"+8675566668888"}}`
	resp, _ := http.Post(ts.URL+"/hooks/tencent", "application/json", strings.NewReader(webhook))
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, string(body))

	resp, _ = http.Post(ts.URL+"/hooks/tencent", "application/x-www-form-urlencoded", strings.NewReader(webhook))
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Print(resp.StatusCode, " ", string(body))
	// Output:
	// 200 {"CallInBound":{"OverrideAIAgentId":388}}
	// 415 {"error":{"code":"unsupported_media_type","message":"the body must be JSON (Content-Type: application/json), not application/x-www-form-urlencoded"}}
}
