package flowtest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
)

// Posts and authenticated lookups in tests: no request leaves the engine,
// `given post` answers a post, `given secret` gives a secret, a failing
// test never prints a secret, and random draws the same in every run.
func TestGivenPostSecretAndRandom(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		fmt.Fprint(w, `{"id": "from the network", "ok": true}`)
	}))
	defer srv.Close()
	flow := `flow survey
target tencent
number "+8675566668888"
lookup account = get "` + srv.URL + `/a/${caller}" {
  header "Authorization" "Bearer ${secret("CRM_TOKEN")}"
  else   {ok: false}
}
otherwise -> main
handler main {
  set lucky = random(1000)
  post "` + srv.URL + `/feedback" {
    json   {caller: caller, ok: account.ok}
    header "Authorization" "Bearer ${secret("CRM_TOKEN")}"
    into   receipt
    else   {id: "none"}
  }
  set id = receipt.id
  agent 1
}
`
	fsys := fstest.MapFS{
		"survey.flow": {Data: []byte(flow)},
		"survey_test.flow": {Data: []byte(`flow survey

test "a given post answers" {
  call tencent from "+8613066668888" to "+8675566668888"
  given post "` + srv.URL + `/feedback" = {id: "r-1"}
  expect var id == "r-1"
}

test "no given: the else value" {
  call tencent from "+8613066668888" to "+8675566668888"
  expect var id == "none"
}

test "a failing test with a secret" {
  given secret CRM_TOKEN = "zz-s3cret-zz"
  call tencent from "+8613066668888" to "+8675566668888"
  expect var id == "wrong"
}

test "random" {
  call tencent from "+8613066668888" to "+8675566668888"
  expect var lucky == -1
}
`)},
	}
	rep := run(t, fsys)
	again := run(t, fsys)
	for i, r := range rep.Tests {
		wantPass := !strings.Contains(r.Name, "failing") && r.Name != "random"
		if r.Passed() != wantPass {
			t.Errorf("%q passed %v, want %v: %v", r.Name, r.Passed(), wantPass, r.Failure)
		}
		if r.Failure != nil && strings.Contains(r.Failure.Error(), "zz-s3cret-zz") {
			t.Errorf("%q prints the secret: %v", r.Name, r.Failure)
		}
		if r.Name == "random" && (r.Failure == nil || again.Tests[i].Failure == nil || r.Failure.Msg != again.Tests[i].Failure.Msg) {
			t.Errorf("random drew %v, then %v: want the same in every run", r.Failure, again.Tests[i].Failure)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the server got %d requests; tests must not reach the network", n)
	}
}

// A post is a step for --coverage: one no test reaches is listed as missed,
// so a flow whose posts were never exercised cannot read 100%.
func TestCoverageCountsPosts(t *testing.T) {
	fsys := fstest.MapFS{
		"survey.flow": {Data: []byte(`flow survey
target tencent
number "+8675566668888"
otherwise -> main
handler main {
  if caller == "+8613000000000" {
    post "https://crm.example.com/vip" { json {caller: caller} }
  }
  agent 1
}
`)},
		"survey_test.flow": {Data: []byte(`flow survey

test "an ordinary caller" {
  call tencent from "+8613066668888" to "+8675566668888"
  expect agent 1
}
`)},
	}
	rep := run(t, fsys)
	if len(rep.Coverage) != 1 {
		t.Fatalf("coverage of %d flows, want 1", len(rep.Coverage))
	}
	cov := rep.Coverage[0]
	var missed []string
	for _, it := range cov.Missed {
		missed = append(missed, it.Name)
	}
	if cov.Steps.Total != 2 || cov.Steps.Hit != 1 || !slices.Contains(missed, "post") {
		t.Errorf("steps %d/%d, missed %v; want 1/2 with the post missed", cov.Steps.Hit, cov.Steps.Total, missed)
	}
}
