package vonage

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/callflow/callflow/runtime/platform"
)

// claims are the claims of a signed webhook's JWT: the registered ones
// (iat, jti, iss "Vonage", and exp or nbf when present) and payload_hash,
// the hex SHA-256 of the body.
type claims struct {
	jwt.RegisteredClaims
	PayloadHash string `json:"payload_hash"`
}

// leeway is the clock skew allowed on exp, nbf and iat.
const leeway = time.Minute

// parser reads a token's header and claims. The signature is checked with
// platform.Secret.MAC, so the secret's value never leaves the Secret (a
// jwt.Keyfunc would have to hand it over); golang-jwt does the rest: the
// base64url segments, the header, and the claims' times (Validator).
var parser = jwt.NewParser(jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}))

// authenticate verifies a signed webhook when the signature secret is
// configured: an `Authorization: Bearer JWT` signed HS256 with the secret,
// not expired, whose payload_hash is the SHA-256 of the body (required
// when there is a body; a GET has none).
func authenticate(a platform.AuthRequest) string {
	secret := a.Secret(SecretName)
	if !secret.IsSet() {
		return ""
	}
	tok := platform.Bearer(a.Request.Header)
	if tok == "" {
		return "the Authorization: Bearer JWT of a signed Vonage webhook is missing"
	}
	if why := verify(tok, secret, a.Body, time.Now()); why != "" {
		return "the Vonage JWT " + why
	}
	return ""
}

// verify says what is wrong with tok as the signature of body at now, or
// "" when it is right.
func verify(tok string, secret platform.Secret, body []byte, now time.Time) string {
	var c claims
	t, parts, err := parser.ParseUnverified(tok, &c)
	if err != nil {
		return "cannot be read: " + err.Error()
	}
	if t.Method != jwt.SigningMethodHS256 {
		return "is signed " + t.Method.Alg() + ", not HS256"
	}
	sig, err := parser.DecodeSegment(parts[2])
	if err != nil || !hmac.Equal(sig, secret.MAC(sha256.New, []byte(parts[0]+"."+parts[1]))) {
		return "signature does not match the signature secret"
	}
	v := jwt.NewValidator(jwt.WithLeeway(leeway), jwt.WithIssuedAt(), jwt.WithTimeFunc(func() time.Time { return now }))
	if err := v.Validate(c); err != nil {
		return "is not valid now: " + timeReason(err)
	}
	if c.PayloadHash == "" {
		if len(body) == 0 {
			return ""
		}
		return "has no payload_hash claim for the body"
	}
	want := sha256.Sum256(body)
	got, err := hex.DecodeString(c.PayloadHash)
	if err != nil || !hmac.Equal(got, want[:]) {
		return "payload_hash is not the SHA-256 of the body (the body was changed)"
	}
	return ""
}

// timeReason words a claims validation error without the library's prefix.
func timeReason(err error) string {
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return "it has expired (exp)"
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return "it is not valid yet (nbf)"
	case errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return "it was issued in the future (iat)"
	}
	return err.Error()
}
