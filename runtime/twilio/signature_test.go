package twilio

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/callflow/callflow/runtime/platform"
)

// The published test vector (twilio/twilio-go request_validator_test.go).
const (
	vectorToken = "12345"
	vectorURL   = "https://mycompany.com/myapp.php?foo=1&bar=2"
	vectorSig   = "RSOYDt4T1cUTdK1PDd93/VVr8B8="
)

var vectorParams = url.Values{
	"Digits": {"1234"}, "CallSid": {"CA1234567890ABCDE"}, "To": {"+18005551212"},
	"Caller": {"+14158675309"}, "From": {"+14158675309"},
}

type config map[string]string

func (c config) Secret(name string) platform.Secret { return platform.NewSecret(c[name]) }
func (config) Param(string) string                  { return "" }

// signedRequest is a POST of params to the vector's URL signed with sig.
func signedRequest(u string, params url.Values, sig string) platform.AuthRequest {
	body := params.Encode()
	r, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(body))
	r.Header.Set("Content-Type", platform.FormType)
	if sig != "" {
		r.Header.Set(SignatureHeader, sig)
	}
	return platform.AuthRequest{Request: r, URL: u, Body: []byte(body), Config: config{SecretName: vectorToken}}
}

func TestSignVector(t *testing.T) {
	if got := Sign(vectorToken, vectorURL, vectorParams); got != vectorSig {
		t.Errorf("Sign = %s, want the published %s", got, vectorSig)
	}
}

func TestAuthenticate(t *testing.T) {
	tampered := url.Values{}
	for k, v := range vectorParams {
		tampered[k] = v
	}
	tampered.Set("Digits", "1235")
	tests := []struct {
		name string
		a    platform.AuthRequest
		want string // "" passes; else a part of the reason
	}{
		{"the vector", signedRequest(vectorURL, vectorParams, vectorSig), ""},
		{"the vector with the default port", signedRequest("https://mycompany.com:443/myapp.php?foo=1&bar=2", vectorParams, vectorSig), ""},
		{"a tampered parameter", signedRequest(vectorURL, tampered, vectorSig), "does not match a request to " + vectorURL},
		{"another URL", signedRequest("https://mycompany.com/other.php?foo=1&bar=2", vectorParams, vectorSig), "does not match a request to https://mycompany.com/other.php"},
		{"another query", signedRequest("https://mycompany.com/myapp.php?foo=1&bar=3", vectorParams, vectorSig), "--public-url"},
		{"another port", signedRequest("https://mycompany.com:8443/myapp.php?foo=1&bar=2", vectorParams, vectorSig), "does not match"},
		{"no header", signedRequest(vectorURL, vectorParams, ""), "header is missing"},
		{"not Base64", signedRequest(vectorURL, vectorParams, "not base64!"), "not Base64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := authenticate(tt.a)
			if tt.want == "" && got != "" || tt.want != "" && !strings.Contains(got, tt.want) {
				t.Errorf("authenticate = %q, want %q", got, tt.want)
			}
			if strings.Contains(got, vectorToken+"\x00") || strings.Contains(got, "token "+vectorToken) {
				t.Errorf("the reason shows the token: %q", got)
			}
		})
	}
}

// Without an auth token every request passes; a wrong token fails the
// vector.
func TestAuthenticateToken(t *testing.T) {
	a := signedRequest(vectorURL, vectorParams, "")
	a.Config = config{}
	if got := authenticate(a); got != "" {
		t.Errorf("no token configured: %q, want it to pass", got)
	}
	a = signedRequest(vectorURL, vectorParams, vectorSig)
	a.Config = config{SecretName: "54321"}
	if got := authenticate(a); got == "" {
		t.Error("another token: passed")
	}
}

// A GET is signed over its URL alone: its parameters are in the query.
func TestAuthenticateGet(t *testing.T) {
	u := "https://calls.example.com/hooks/twilio?CallSid=CA1&To=%2B15005550006"
	r, _ := http.NewRequest(http.MethodGet, u, nil)
	r.Header.Set(SignatureHeader, Sign(vectorToken, u, nil))
	a := platform.AuthRequest{Request: r, URL: u, Config: config{SecretName: vectorToken}}
	if got := authenticate(a); got != "" {
		t.Errorf("GET signed over its URL: %q", got)
	}
	a.URL = strings.Replace(u, "CA1", "CA2", 1)
	if got := authenticate(a); got == "" {
		t.Error("GET with another query: passed")
	}
}

// A repeated name signs each value, sorted, after its name.
func TestSignRepeated(t *testing.T) {
	got := string(signedData("u", url.Values{"b": {"2", "1"}, "a": {"x"}}))
	if want := "uaxb1b2"; got != want {
		t.Errorf("signedData = %q, want %q", got, want)
	}
}
