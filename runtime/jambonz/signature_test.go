package jambonz

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/callflow/callflow/runtime/platform"
)

const testSecret = "wh_secret_4f1c2e9a"

var (
	body    = []byte(`{"call_sid":"CS1","from":"+6591234567","to":"+6512345678"}`)
	signAt  = time.Unix(1764720000, 0)
	secretV = platform.NewSecret(testSecret)
)

// A signature computed independently (Python's hmac): HMAC-SHA256 of "1764720000." + body
// with testSecret, in hex.
const knownSig = "t=1764720000,v1=aa835986b735bde32498afa4a6e5e1ac56a6d326013ec0b259af0b227d74c441"

func TestVerifySignature(t *testing.T) {
	valid := Sign(testSecret, body, signAt)
	tampered := strings.Replace(string(body), "+6591234567", "+6591234568", 1)
	cases := []struct {
		name, header string
		body         []byte
		now          time.Time
		want         string // "" valid, else a part of the reason
	}{
		{"valid", valid, body, signAt, ""},
		{"valid at the edge of the tolerance", valid, body, signAt.Add(Tolerance), ""},
		{"valid with a rotated second signature", valid + ",v1=00ff", body, signAt, ""},
		{"valid with spaces and other schemes", "t=1764720000, v0=abc, " + valid[len("t=1764720000,"):], body, signAt, ""},
		{"tampered body", valid, []byte(tampered), signAt, "does not match"},
		{"other secret", Sign("another", body, signAt), body, signAt, "does not match"},
		{"stale", valid, body, signAt.Add(Tolerance + time.Second), "more than 5m0s from now"},
		{"future", Sign(testSecret, body, signAt.Add(Tolerance+time.Second)), body, signAt, "more than 5m0s from now"},
		{"missing", "", body, signAt, "header is missing"},
		{"no t", "v1=" + valid[len("t=1764720000,v1="):], body, signAt, "no t"},
		{"no v1", "t=1764720000", body, signAt, "no v1"},
		{"t twice", "t=1,t=2,v1=00", body, signAt, "t is given twice"},
		{"t not a number", "t=soon,v1=00", body, signAt, "not a unix time"},
		{"no equals", "garbage", body, signAt, "malformed"},
		{"v1 not hex", "t=1764720000,v1=zz", body, signAt, "does not match"},
	}
	for _, tc := range cases {
		got := VerifySignature(secretV, tc.header, tc.body, tc.now)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
		if strings.Contains(got, testSecret) {
			t.Errorf("%s: the reason shows the secret: %q", tc.name, got)
		}
	}
	if got := VerifySignature(platform.Secret{}, "", body, signAt); got != "" {
		t.Errorf("without a secret: %q, want it to pass", got)
	}
}

// Sign computes what jambonz computes: a value computed by hand.
func TestSignKnownValue(t *testing.T) {
	if got := Sign(testSecret, body, signAt); got != knownSig {
		t.Errorf("Sign = %s, want %s", got, knownSig)
	}
}

// authenticate reads the header and the raw body the server hands over.
func TestAuthenticate(t *testing.T) {
	defer func(f func() time.Time) { now = f }(now)
	now = func() time.Time { return signAt.Add(10 * time.Second) }
	cfg := secrets{SecretName: secretV}
	r, _ := http.NewRequest("POST", "https://calls.example.com/hooks/jambonz", nil)
	r.Header.Set(SignatureHeader, Sign(testSecret, body, signAt))
	if why := authenticate(platform.AuthRequest{Request: r, Body: body, Config: cfg}); why != "" {
		t.Errorf("a signed request: %q", why)
	}
	if why := authenticate(platform.AuthRequest{Request: r, Body: append(body, ' '), Config: cfg}); why == "" {
		t.Error("a body changed after signing passed")
	}
	if why := authenticate(platform.AuthRequest{Request: r, Body: body}); why != "" {
		t.Errorf("without a configured secret: %q", why)
	}
}

type secrets map[string]platform.Secret

func (s secrets) Secret(name string) platform.Secret { return s[name] }
func (secrets) Param(string) string                  { return "" }
