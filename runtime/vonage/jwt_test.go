package vonage

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/callflow/callflow/runtime/platform"
)

const signatureSecret = "vonage-signature-secret-0123456789"

// sign is a signed webhook's JWT as Vonage makes it, with extra claims.
func sign(t *testing.T, key string, body []byte, now time.Time, extra jwt.MapClaims) string {
	t.Helper()
	sum := sha256.Sum256(body)
	c := jwt.MapClaims{"iat": now.Unix(), "jti": "c9d3a1e0-1b2c-4d5e-8f90-123456789abc", "iss": "Vonage",
		"payload_hash": hex.EncodeToString(sum[:]), "api_key": "abcd1234", "application_id": "aaaaaaaa-bbbb-cccc-dddd-0123456789ab"}
	for k, v := range extra {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString([]byte(key))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestVerify(t *testing.T) {
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	secret := platform.NewSecret(signatureSecret)
	body := sample(t, "input_dtmf.json")
	tests := []struct {
		name string
		tok  string
		body []byte
		want string // "" passes; else a part of the reason
	}{
		{"valid", sign(t, signatureSecret, body, now, nil), body, ""},
		{"valid with exp", sign(t, signatureSecret, body, now, jwt.MapClaims{"exp": now.Add(time.Minute).Unix()}), body, ""},
		{"tampered body", sign(t, signatureSecret, body, now, nil), []byte(strings.Replace(string(body), "1234", "9999", 1)), "payload_hash is not the SHA-256 of the body"},
		{"wrong secret", sign(t, "another-secret-0123456789", body, now, nil), body, "signature does not match"},
		{"expired", sign(t, signatureSecret, body, now, jwt.MapClaims{"exp": now.Add(-2 * time.Minute).Unix()}), body, "expired"},
		{"not yet valid", sign(t, signatureSecret, body, now, jwt.MapClaims{"nbf": now.Add(5 * time.Minute).Unix()}), body, "not valid yet"},
		{"issued in the future", sign(t, signatureSecret, body, now, jwt.MapClaims{"iat": now.Add(5 * time.Minute).Unix()}), body, "issued in the future"},
		{"no payload_hash with a body", sign(t, signatureSecret, body, now, jwt.MapClaims{"payload_hash": nil}), body, "no payload_hash"},
		{"GET without payload_hash", sign(t, signatureSecret, nil, now, jwt.MapClaims{"payload_hash": nil}), nil, ""},
		{"payload_hash not hex", sign(t, signatureSecret, body, now, jwt.MapClaims{"payload_hash": "zz"}), body, "payload_hash"},
		{"alg none", unsigned(t, body, now), body, "is signed none, not HS256"},
		{"HS512", hs512(t, body, now), body, "is signed HS512, not HS256"},
		{"garbage", "not.a.jwt", body, "cannot be read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := verify(tt.tok, secret, tt.body, now)
			if tt.want == "" && got != "" || tt.want != "" && !strings.Contains(got, tt.want) {
				t.Errorf("verify() = %q, want %q", got, tt.want)
			}
		})
	}
}

// unsigned is a token with alg none, which must never pass.
func unsigned(t *testing.T, body []byte, now time.Time) string {
	t.Helper()
	sum := sha256.Sum256(body)
	s, err := jwt.NewWithClaims(jwt.SigningMethodNone, jwt.MapClaims{"iat": now.Unix(), "payload_hash": hex.EncodeToString(sum[:])}).
		SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// hs512 is a token signed with the right secret by another algorithm.
func hs512(t *testing.T, body []byte, now time.Time) string {
	t.Helper()
	sum := sha256.Sum256(body)
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS512, jwt.MapClaims{"iat": now.Unix(), "payload_hash": hex.EncodeToString(sum[:])}).
		SignedString([]byte(signatureSecret))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type secrets map[string]platform.Secret

func (s secrets) Secret(name string) platform.Secret { return s[name] }
func (secrets) Param(string) string                  { return "" }

// authenticate checks only when the signature secret is configured, and
// says what is wrong without the secret.
func TestAuthenticate(t *testing.T) {
	body := sample(t, "answer_post.json")
	req, _ := http.NewRequest(http.MethodPost, "https://calls.example.com/hooks/vonage", nil)
	if why := authenticate(platform.AuthRequest{Request: req, Body: body}); why != "" {
		t.Errorf("no secret configured: %q, want a pass", why)
	}
	cfg := secrets{SecretName: platform.NewSecret(signatureSecret)}
	if why := authenticate(platform.AuthRequest{Request: req, Body: body, Config: cfg}); !strings.Contains(why, "missing") {
		t.Errorf("no Authorization: %q", why)
	}
	req.Header.Set("Authorization", "Bearer "+sign(t, signatureSecret, body, time.Now(), nil))
	if why := authenticate(platform.AuthRequest{Request: req, Body: body, Config: cfg}); why != "" {
		t.Errorf("a valid JWT: %q", why)
	}
	req.Header.Set("Authorization", "Bearer "+sign(t, "wrong-secret-0123456789", body, time.Now(), nil))
	why := authenticate(platform.AuthRequest{Request: req, Body: body, Config: cfg})
	if why == "" || strings.Contains(why, signatureSecret) {
		t.Errorf("a JWT signed with another secret: %q, want a refusal that does not show the secret", why)
	}
}
