package server_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/platform"
	"github.com/callflow/callflow/runtime/server"
)

// xmlhook is a platform that exists only in this test: it is declared in
// one value (xmlDeclaration) and given to the engine with
// runtime.WithPlatform, touching nothing else. It takes form-encoded POSTs
// and GETs, answers XML, signs the public URL and the body (HMAC-SHA256,
// hex, in X-Test-Signature) and continues a call through an action URL
// carrying the resume token, the way TwiML platforms do.
const xmlName = "xmlhook"

type xmlAdapter struct{}

func (xmlAdapter) Name() string { return xmlName }

func (xmlAdapter) Decode([]byte, http.Header) (*platform.Event, error) {
	return nil, errors.New("xmlhook: needs the request (DecodeRequest)")
}

// DecodeRequest reads CallSid, From, To and Digits from the query or the
// form body; a resume parameter (the action URL's) makes it capture input.
func (xmlAdapter) DecodeRequest(in *platform.Inbound) (*platform.Event, error) {
	f, err := in.Form()
	if err != nil {
		return nil, err
	}
	sid := f.Get("CallSid")
	if sid == "" {
		return nil, &platform.DecodeError{Field: "CallSid", Msg: "is missing"}
	}
	ev := &platform.Event{Kind: platform.CallStarted, Platform: xmlName, Session: sid, Caller: f.Get("From"), Callee: f.Get("To"), Request: in}
	if r := f.Get("resume"); r != "" {
		d := f.Get("Digits")
		ev.Kind, ev.Resume, ev.Digits, ev.Delivery = platform.Input, r, &d, sid+"|"+r
	}
	return ev, nil
}

type xmlVerb struct {
	XMLName xml.Name
	Text    string `xml:",chardata"`
	Action  string `xml:"action,attr,omitempty"`
}

// Render writes <Response> with Say, Gather (whose action URL carries the
// resume token) and Hangup.
func (xmlAdapter) Render(ev *platform.Event, r *platform.Response) (platform.Reply, error) {
	doc := struct {
		XMLName xml.Name `xml:"Response"`
		Verbs   []xmlVerb
	}{}
	for i, a := range r.Actions {
		switch a := a.(type) {
		case platform.Say:
			doc.Verbs = append(doc.Verbs, xmlVerb{XMLName: xml.Name{Local: "Say"}, Text: a.Text})
		case platform.Capture:
			action := ev.Request.ActionURL(ev.Request.URL.Path[len(ev.Request.Base.Path):], url.Values{"resume": {r.Resume}})
			doc.Verbs = append(doc.Verbs, xmlVerb{XMLName: xml.Name{Local: "Gather"}, Text: a.Prompt, Action: action})
		case platform.Hangup:
			doc.Verbs = append(doc.Verbs, xmlVerb{XMLName: xml.Name{Local: "Hangup"}})
		default:
			return platform.Reply{}, &platform.ActionError{Index: i, Err: errors.New("xmlhook cannot " + platform.ActionName(a))}
		}
	}
	b, err := xml.Marshal(doc)
	return platform.Reply{Status: http.StatusOK, Body: b}, err
}

func (xmlAdapter) Fallback(*platform.Event, platform.FallbackOptions) platform.Reply {
	return platform.Reply{Status: http.StatusOK, Body: []byte("<Response><Hangup></Hangup></Response>")}
}

func (xmlAdapter) Webhook(platform.Call) ([]byte, error) { return nil, errors.New("not needed") }

// xmlFacts are 8x8's capabilities under another name.
var xmlFacts = func() *lplatform.Platform {
	p := *lplatform.MustLookup("8x8")
	p.Name, p.End = xmlName, lplatform.EndHangup
	return &p
}()

const xmlSecret = "xml-signing-key-0123456789"

var xmlDeclaration = platform.Declaration{
	Facts:   xmlFacts,
	Adapter: xmlAdapter{},
	Routes:  []platform.Route{{Path: "/hooks/xmlhook/{flow}"}},
	Methods: []string{http.MethodGet, http.MethodPost},
	Bodies:  []string{platform.FormType},
	Answer:  "text/xml",
	Secrets: []platform.SecretSpec{{Name: "xmlhook", Env: "CALLFLOW_XMLHOOK_KEY", Help: "the signing key"}},
	// The signature covers the public URL and the body, so it needs both.
	SignedBody: true,
	Authenticate: func(a platform.AuthRequest) string {
		key := a.Secret("xmlhook")
		if !key.IsSet() {
			return ""
		}
		got, err := hex.DecodeString(a.Request.Header.Get("X-Test-Signature"))
		if err != nil || !hmac.Equal(got, key.MAC(sha256.New, []byte(a.URL), a.Body)) {
			return "the signature does not match " + a.URL
		}
		return ""
	},
}

func xmlSign(u, body string) string {
	m := hmac.New(sha256.New, []byte(xmlSecret))
	m.Write([]byte(u + body))
	return hex.EncodeToString(m.Sum(nil))
}

// xmlServer serves the menu flow, compiled for 8x8 and xmlhook, behind the
// public URL public (none when ""). Its handler ends without hangup: the
// facts' End (EndHangup) adds it.
func xmlServer(t *testing.T, public string) *httptest.Server {
	t.Helper()
	prog := compile(t, map[string]string{"menu.flow": `flow menu

target 8x8
voice "en-US-ZiraRUS"

otherwise -> main

handler main {
  capture choice {
    prompt "Press 1 & go <now>."
    digits 1
    timeout 5s
    tries 1
  }
  say "You pressed ${choice}."
}
`})
	prog.Flows[0].Platforms = append(prog.Flows[0].Platforms, xmlName)
	eng, err := runtime.New(runtime.WithFlows(prog), runtime.WithPlatform(&xmlDeclaration))
	if err != nil {
		t.Fatal(err)
	}
	opts := []server.Option{server.WithAuth(server.Auth{Secrets: map[string]server.Secret{"xmlhook": server.NewSecret(xmlSecret)}})}
	if public != "" {
		u, _ := url.Parse(public)
		opts = append(opts, server.WithPublicURL(u))
	}
	srv, err := server.New(eng, opts...)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts
}

func xmlDo(t *testing.T, method, target, signedURL, form string) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if method == http.MethodPost {
		body = strings.NewReader(form)
	}
	req, _ := http.NewRequest(method, target, body)
	if method == http.MethodPost {
		req.Header.Set("Content-Type", platform.FormType)
	}
	req.Header.Set("X-Test-Signature", xmlSign(signedURL, form))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// A platform declared in one value gets its routes, methods, body type,
// signature check and XML answers from the server, and resumes a call
// through an action URL on the public URL, behind a proxy.
func TestDeclaredPlatformFormGetXMLPublicURL(t *testing.T) {
	const public = "https://calls.example.com/cf"
	ts := xmlServer(t, public)

	// A GET webhook: parameters in the query, signed over the public URL.
	q := "?CallSid=CA1&From=%2B6591234567&To=%2B6512345678"
	resp, body := xmlDo(t, http.MethodGet, ts.URL+"/hooks/xmlhook/menu"+q, public+"/hooks/xmlhook/menu"+q, "")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/xml" {
		t.Fatalf("GET: %d %s %q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	var doc struct {
		Gather struct {
			Text   string `xml:",chardata"`
			Action string `xml:"action,attr"`
		}
	}
	if err := xml.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("the answer is not XML: %v: %s", err, body)
	}
	if doc.Gather.Text != "Press 1 & go <now>." || !strings.Contains(body, "&amp; go &lt;now&gt;") {
		t.Errorf("the prompt is not escaped as XML: %s", body)
	}
	action, err := url.Parse(doc.Gather.Action)
	if err != nil || !strings.HasPrefix(doc.Gather.Action, public+"/hooks/xmlhook/menu?resume=") || action.Query().Get("resume") == "" {
		t.Fatalf("the action URL %q does not start with the public URL and carry the resume token", doc.Gather.Action)
	}

	// The platform posts the digits, form-encoded, to the action URL, which
	// reaches this server through the proxy with the same path and query.
	local := ts.URL + strings.TrimPrefix(doc.Gather.Action, public)
	form := "CallSid=CA1&Digits=1&From=%2B6591234567"
	resp, body = xmlDo(t, http.MethodPost, local, doc.Gather.Action, form)
	want := "<Response><Say>You pressed 1.</Say><Hangup></Hangup></Response>"
	if resp.StatusCode != http.StatusOK || body != want {
		t.Fatalf("POST to the action URL: %d %q, want %q", resp.StatusCode, body, want)
	}
}

// What the declaration does not allow is refused: a signature over
// another URL, a JSON body, a method it does not list.
func TestDeclaredPlatformRefusals(t *testing.T) {
	ts := xmlServer(t, "")
	q := "?CallSid=CA2&To=%2B6512345678"
	resp, body := xmlDo(t, http.MethodGet, ts.URL+"/hooks/xmlhook/menu"+q, "https://elsewhere.example/hooks/xmlhook/menu"+q, "")
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, ts.URL+"/hooks/xmlhook/menu") {
		t.Errorf("signed over another URL: %d %s, want 401 naming the URL checked", resp.StatusCode, body)
	}
	// Without WithPublicURL the URL is the one the request came to.
	resp, _ = xmlDo(t, http.MethodGet, ts.URL+"/hooks/xmlhook/menu"+q, ts.URL+"/hooks/xmlhook/menu"+q, "")
	if resp.StatusCode != http.StatusOK {
		t.Errorf("signed over the request URL: %d, want 200", resp.StatusCode)
	}

	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/hooks/xmlhook/menu", strings.NewReader(`{"CallSid":"CA3"}`))
	req.Header.Set("Content-Type", "application/json")
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("a JSON body: %d, want 415", r.StatusCode)
	}

	req, _ = http.NewRequest(http.MethodPut, ts.URL+"/hooks/xmlhook/menu", nil)
	r, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusMethodNotAllowed || r.Header.Get("Allow") != "GET, POST" {
		t.Errorf("PUT: %d Allow %q, want 405 with Allow: GET, POST", r.StatusCode, r.Header.Get("Allow"))
	}
}

// The seed platforms keep refusing GET, as POST-only declarations.
func TestSeedPlatformsStillPostOnly(t *testing.T) {
	ts := xmlServer(t, "")
	for _, d := range runtime.Platforms() {
		if d.Methods != nil { // a platform that declares its methods (jambonz and twilio take GET)
			continue
		}
		path := strings.ReplaceAll(d.Routes[0].Path, "{flow}", "menu")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+path, nil)
		r, err := http.DefaultClient.Do(req)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != http.StatusMethodNotAllowed || r.Header.Get("Allow") != "POST" {
			t.Errorf("GET %s: %d Allow %q, want 405 Allow: POST", path, r.StatusCode, r.Header.Get("Allow"))
		}
	}
}
