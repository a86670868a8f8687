package jambonz

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/callflow/callflow/runtime/platform"
)

// SignatureHeader is the header jambonz signs its webhooks in.
const SignatureHeader = "Jambonz-Signature"

// Tolerance is how far a signature's time may be from now, either way: a
// replayed request older than this is refused, and so is one dated later.
const Tolerance = 300 * time.Second

// VerifySignature checks a Jambonz-Signature header value against body:
// "t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>". Several
// v1 values may be given (while a secret is rotated); one matching is
// enough. Each is compared in constant time. It returns what is wrong, or
// "" when the signature holds; an unset secret lets everything pass.
func VerifySignature(secret platform.Secret, header string, body []byte, now time.Time) string {
	if !secret.IsSet() {
		return ""
	}
	if header == "" {
		return "the " + SignatureHeader + " header is missing"
	}
	ts, sigs, why := parseSignature(header)
	if why != "" {
		return "the " + SignatureHeader + " header is malformed: " + why
	}
	at, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return "the " + SignatureHeader + " header is malformed: t is not a unix time"
	}
	if d := now.Sub(time.Unix(at, 0)); d > Tolerance || d < -Tolerance {
		return "the " + SignatureHeader + " header is dated " + time.Unix(at, 0).UTC().Format(time.RFC3339) +
			", more than " + Tolerance.String() + " from now (a replay, or a clock that is off)"
	}
	want := secret.MAC(sha256.New, []byte(ts), []byte{'.'}, body)
	ok := false
	for _, s := range sigs {
		got, err := hex.DecodeString(s)
		if err == nil && hmac.Equal(got, want) {
			ok = true // keep comparing: the time taken does not say which matched
		}
	}
	if !ok {
		return "the " + SignatureHeader + " signature does not match the body (is the webhook secret the account's?)"
	}
	return ""
}

// parseSignature splits "t=…,v1=…[,v1=…]" into the time and the v1
// signatures; other schemes are ignored, as jambonz's own verifier does.
func parseSignature(h string) (ts string, sigs []string, why string) {
	for _, part := range strings.Split(h, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return "", nil, "a part has no '='"
		}
		switch k {
		case "t":
			if ts != "" {
				return "", nil, "t is given twice"
			}
			ts = v
		case "v1":
			sigs = append(sigs, v)
		}
	}
	switch {
	case ts == "":
		return "", nil, "no t"
	case len(sigs) == 0:
		return "", nil, "no v1 signature"
	}
	return ts, sigs, ""
}

// Sign returns the Jambonz-Signature header value for body at time at, as
// jambonz computes it: for tests and for sending signed webhooks.
func Sign(secret string, body []byte, at time.Time) string {
	ts := strconv.FormatInt(at.Unix(), 10)
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts + "."))
	m.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(m.Sum(nil))
}
