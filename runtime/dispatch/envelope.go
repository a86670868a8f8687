package dispatch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Envelope is the request a callback or callbot flow rendered: what to send,
// relative to the platform's base URL.
type Envelope struct {
	Method string            `json:"method"`
	Path   string            `json:"path"`
	Query  map[string]string `json:"query,omitempty"`
	Body   json.RawMessage   `json:"body"`
}

// ParseEnvelope reads the envelope in the body of a callback or callbot
// Render's 200 reply. The method must be an upper-case word, the path must
// start with one "/" and carry no query, and the body must be JSON; unknown
// fields are an error. Body keeps the bytes as rendered.
func ParseEnvelope(b []byte) (Envelope, error) {
	var env Envelope
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&env); err != nil {
		return Envelope{}, fmt.Errorf("dispatch: envelope: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Envelope{}, errors.New("dispatch: envelope: data after the JSON object")
	}
	if err := env.check(); err != nil {
		return Envelope{}, fmt.Errorf("dispatch: envelope: %w", err)
	}
	return env, nil
}

// check says what is wrong with env, if anything.
func (env Envelope) check() error {
	if env.Method == "" || strings.TrimFunc(env.Method, func(r rune) bool { return 'A' <= r && r <= 'Z' }) != "" {
		return fmt.Errorf("method %q is not an HTTP method", env.Method)
	}
	if !strings.HasPrefix(env.Path, "/") || strings.HasPrefix(env.Path, "//") || strings.ContainsAny(env.Path, "?#") {
		return fmt.Errorf("path %q is not an absolute path without a query", env.Path)
	}
	if b := bytes.TrimSpace(env.Body); len(b) == 0 || b[0] != '{' || !json.Valid(b) {
		return errors.New("body is missing or not a JSON object")
	}
	return nil
}

// url is where env goes on a platform whose base URL is base.
func (env Envelope) url(base *url.URL) *url.URL {
	u := *base
	u.Path = strings.TrimSuffix(base.Path, "/") + env.Path
	u.RawPath = ""
	q := url.Values{}
	for k, v := range env.Query {
		q.Set(k, v)
	}
	u.RawQuery = q.Encode()
	return &u
}

// Result is one dispatch: the request sent and the platform's answer. It
// marshals as {"request":{…},"response":{…}}, the server's answer.
type Result struct {
	Request  Request   `json:"request"`
	Response *Response `json:"response"` // nil (null) when no answer came back
	// Attempts is how many times the request went out, retries included
	// (OMICall's token requests are not counted).
	Attempts int `json:"-"`
	// Replayed is set when the result is the stored one of an earlier
	// Dispatch of the same trigger: nothing was sent this time.
	Replayed bool `json:"-"`
}

// Request is what was sent. Headers are left out: they hold credentials.
type Request struct {
	Method string          `json:"method"`
	URL    string          `json:"url"`
	Body   json.RawMessage `json:"body"`
}

// Response is the platform's answer to the last attempt. Body is the
// platform's JSON; a body that is not JSON is a JSON string, and an empty
// one is null.
type Response struct {
	Status int             `json:"status"`
	Body   json.RawMessage `json:"body"`
}

// maxAnswer is the most of a platform's answer that is read.
const maxAnswer = 1 << 20

// newResponse turns an exchange into a Response.
func newResponse(ex *exchange) *Response {
	if ex == nil {
		return nil
	}
	r := &Response{Status: ex.status}
	switch body := bytes.TrimSpace(ex.body); {
	case len(body) == 0:
	case json.Valid(body):
		r.Body = json.RawMessage(body)
	default:
		r.Body, _ = json.Marshal(strings.ToValidUTF8(string(body), "\uFFFD"))
	}
	return r
}

// message finds the human-readable message in a platform's answer: a
// "message", "msg" or "error" field (or error.message) of a JSON object,
// else the start of the text.
func message(body []byte) string {
	var obj map[string]any
	if json.Unmarshal(body, &obj) == nil {
		for _, k := range []string{"message", "msg", "error"} {
			switch v := obj[k].(type) {
			case string:
				if v != "" {
					return clip(v)
				}
			case map[string]any:
				if s, ok := v["message"].(string); ok && s != "" {
					return clip(s)
				}
			}
		}
		return ""
	}
	return clip(strings.ToValidUTF8(strings.TrimSpace(string(body)), "\uFFFD"))
}

// clip shortens s to at most 200 bytes, on a rune boundary.
func clip(s string) string {
	const max = 200
	if len(s) <= max {
		return s
	}
	s = s[:max]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + "…"
}
