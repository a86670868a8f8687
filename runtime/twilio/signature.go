package twilio

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/callflow/callflow/runtime/platform"
)

// SignatureHeader is the header Twilio signs its requests in.
const SignatureHeader = "X-Twilio-Signature"

// signedData is what Twilio signs: the URL it requested, then each POST
// parameter's name and value, sorted by name (a repeated name's values
// sorted too).
func signedData(rawURL string, post url.Values) []byte {
	b := []byte(rawURL)
	for _, k := range slices.Sorted(maps.Keys(post)) {
		for _, v := range slices.Sorted(slices.Values(post[k])) {
			b = append(append(b, k...), v...)
		}
	}
	return b
}

// Sign is the X-Twilio-Signature of a request to rawURL with the POST
// parameters post (nil for a GET), under authToken: what Twilio sends, for
// tests and tools that play Twilio.
func Sign(authToken, rawURL string, post url.Values) string {
	m := hmac.New(sha1.New, []byte(authToken))
	m.Write(signedData(rawURL, post))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// authenticate checks X-Twilio-Signature over the public URL and the POST
// parameters when an auth token is configured, in constant time. Like
// Twilio's own validators it accepts the URL with or without its default
// port, which some proxies add or drop.
func authenticate(a platform.AuthRequest) string {
	secret := a.Secret(SecretName)
	if !secret.IsSet() {
		return ""
	}
	got, err := base64.StdEncoding.DecodeString(a.Request.Header.Get(SignatureHeader))
	switch {
	case a.Request.Header.Get(SignatureHeader) == "":
		return "the " + SignatureHeader + " header is missing"
	case err != nil:
		return "the " + SignatureHeader + " header is not Base64"
	}
	post, err := postParams(a.Request, a.Body)
	if err != nil {
		return "the body is not a valid form: " + err.Error()
	}
	ok := false
	for _, u := range signedURLs(a.URL) {
		// Every candidate is computed and compared, so the time taken
		// does not say which one matched.
		if hmac.Equal(got, secret.MAC(sha1.New, signedData(u, post))) {
			ok = true
		}
	}
	if !ok {
		return "the " + SignatureHeader + " header does not match a request to " + a.URL +
			": Twilio signs the URL set in its console, which must be this public URL (behind a proxy, start serve with --public-url), and the auth token must be the account's"
	}
	return ""
}

// postParams are the form-encoded body's parameters of a POST; none for a
// GET or another body.
func postParams(r *http.Request, body []byte) (url.Values, error) {
	if r.Method != http.MethodPost {
		return nil, nil
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != platform.FormType {
		return nil, nil
	}
	return url.ParseQuery(string(body))
}

// signedURLs are the URL as requested and with its default port added or
// removed.
func signedURLs(raw string) []string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return []string{raw}
	}
	port := map[string]string{"https": "443", "http": "80"}[strings.ToLower(u.Scheme)]
	if port == "" {
		return []string{raw}
	}
	other := *u
	switch u.Port() {
	case "":
		other.Host = u.Host + ":" + port
	case port:
		other.Host = u.Hostname()
		if strings.Contains(other.Host, ":") {
			other.Host = "[" + other.Host + "]"
		}
	default:
		return []string{raw}
	}
	return []string{raw, other.String()}
}
