package runtime_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/platform"
)

// roundTripper is a RoundTripper of another kind than *http.Transport: its
// lookups get headers of their own, as all lookups did before they shared
// one header map.
type roundTripper struct{ t http.RoundTripper }

func (r roundTripper) RoundTrip(req *http.Request) (*http.Response, error) { return r.t.RoundTrip(req) }

// A lookup that sets no header of its own sends the same headers whether
// it shares the engine's header map (a client of net/http's Transport and
// no cookie jar) or is given one of its own, as before; the shared map is
// never written to, by concurrent lookups, a redirect (which adds a
// Referer), basic authentication from the URL or a cookie jar (whose
// client gets headers of its own).
func TestLookupSharedHeaderSendsTheSame(t *testing.T) {
	var mu sync.Mutex
	seen := map[string][]http.Header{} // by the client's name, from the X-Client query value
	crm := newCRM(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/moved" {
			http.Redirect(w, r, "/customers?"+r.URL.RawQuery, http.StatusFound)
			return
		}
		mu.Lock()
		seen[r.URL.Query().Get("client")] = append(seen[r.URL.Query().Get("client")], r.Header.Clone())
		mu.Unlock()
		jsonHandler(`{"vip":false,"name":"Li"}`)(w, r)
	})
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(crm.URL)
	jar.SetCookies(u, []*http.Cookie{{Name: "crm", Value: "kept"}})
	withUser := "http://user:pw@" + u.Host
	for _, tc := range []struct {
		name   string
		base   string // the lookup URL's scheme and host
		path   string
		client *http.Client
		shared bool // whether this client's lookups share the header map
	}{
		{"transport", crm.URL, "/customers", &http.Client{Transport: &http.Transport{}}, true},
		{"other", crm.URL, "/customers", &http.Client{Transport: roundTripper{&http.Transport{}}}, false},
		{"redirected", crm.URL, "/moved", &http.Client{Transport: &http.Transport{}}, true},
		{"redirected-other", crm.URL, "/moved", &http.Client{Transport: roundTripper{&http.Transport{}}}, false},
		{"user", withUser, "/customers", &http.Client{Transport: &http.Transport{}}, true},
		{"user-other", withUser, "/customers", &http.Client{Transport: roundTripper{&http.Transport{}}}, false},
		{"jar", crm.URL, "/customers", &http.Client{Transport: &http.Transport{}, Jar: jar}, false},
	} {
		prog := compile(t, "crm.flow", crmFlow(tc.base+tc.path+"?client="+tc.name+"&"))
		eng := newEngine(t, prog, runtime.WithHTTPClient(tc.client), runtime.WithUnguardedLookups())
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				body := webhook(t, "tencent", platform.Call{Session: fmt.Sprintf("%s-%d", tc.name, i), Caller: "+8613166668888", Callee: "+8675500000000"})
				res, err := eng.Serve(context.Background(), &runtime.Request{Platform: "tencent", Body: body})
				if err != nil || !strings.Contains(string(res.Reply.Body), `"Value":"Li"`) {
					t.Errorf("%s: answer %s, want the CRM's name", tc.name, res.Reply.Body)
				}
			})
		}
		wg.Wait()
	}
	if want := (http.Header{"Accept": {"application/json"}}); !reflect.DeepEqual(http.Header(runtime.AcceptOnly()), want) {
		t.Errorf("the shared header became %v, want %v", runtime.AcceptOnly(), want)
	}
	// Each pair was sent by a client sharing the header and one not.
	for _, pair := range [][2]string{{"transport", "other"}, {"redirected", "redirected-other"}, {"user", "user-other"}} {
		a, b := seen[pair[0]], seen[pair[1]]
		if len(a) != 8 || len(b) != 8 {
			t.Fatalf("%s: %d and %d requests, want 8 each", pair, len(a), len(b))
		}
		for i := range a {
			if !reflect.DeepEqual(unnamed(a[i], pair[0]), unnamed(b[0], pair[1])) {
				t.Errorf("%s sent %v, %s %v", pair[0], a[i], pair[1], b[0])
			}
			if !reflect.DeepEqual(b[i], b[0]) {
				t.Errorf("%s sent %v and %v", pair[1], b[i], b[0])
			}
		}
		if got := a[0].Get("Accept"); got != "application/json" {
			t.Errorf("%s: Accept %q", pair[0], got)
		}
	}
	if got := seen["redirected"][0].Get("Referer"); !strings.Contains(got, "/moved") {
		t.Errorf("a redirected lookup's Referer %q, want the first URL", got)
	}
	if got := seen["user"][0].Get("Authorization"); !strings.HasPrefix(got, "Basic ") {
		t.Errorf("a lookup with a user in its URL sent Authorization %q", got)
	}
	if len(seen["jar"]) != 8 {
		t.Fatalf("the jar's client sent %d requests, want 8", len(seen["jar"]))
	}
	for _, h := range seen["jar"] {
		if h.Get("Cookie") != "crm=kept" || h.Get("Accept") != "application/json" {
			t.Errorf("the jar's client sent %v, want its cookie and Accept", h)
		}
	}
}

// unnamed is h with the client's name, which a Referer quotes, taken out.
func unnamed(h http.Header, client string) http.Header {
	h = h.Clone()
	if ref := h.Get("Referer"); ref != "" {
		h.Set("Referer", strings.Replace(ref, "client="+client+"&", "client=&", 1))
	}
	return h
}
