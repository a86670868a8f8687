package dispatch

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/callflow/callflow/runtime/callback"
)

const callbackName = callback.Name

// Credentials authenticate requests to the callback platform with one
// header. DataTechLabs does not document its scheme, so the header's name
// and value are the caller's: [Bearer], [Basic] or any [Header]. The zero
// Credentials send no header. Credentials never print: String, GoString,
// LogValue and MarshalJSON all say "[redacted]".
type Credentials struct{ name, value string }

// Bearer is "Authorization: Bearer token".
func Bearer(token string) Credentials {
	if token == "" {
		return Credentials{name: "Authorization"} // rejected by WithCallback
	}
	return Credentials{name: "Authorization", value: "Bearer " + token}
}

// Basic is "Authorization: Basic base64(user:password)".
func Basic(user, password string) Credentials {
	return Credentials{name: "Authorization", value: "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))}
}

// Header is "name: value", such as Header("X-Api-Key", key).
func Header(name, value string) Credentials {
	return Credentials{name: http.CanonicalHeaderKey(name), value: value}
}

func (Credentials) String() string               { return "[redacted]" }
func (Credentials) GoString() string             { return "dispatch.Credentials{[redacted]}" }
func (Credentials) LogValue() slog.Value         { return slog.StringValue("[redacted]") }
func (Credentials) MarshalJSON() ([]byte, error) { return []byte(`"[redacted]"`), nil }

// check says what is wrong with cr, never quoting the value.
func (cr Credentials) check() error {
	if cr == (Credentials{}) {
		return nil
	}
	if cr.name == "" || strings.TrimFunc(cr.name, isTokenChar) != "" {
		return fmt.Errorf("credentials: %q is not a header name", cr.name)
	}
	if strings.TrimSpace(cr.value) == "" || strings.ContainsAny(cr.value, "\r\n\x00") {
		return errors.New("credentials: the value is empty or holds a line break")
	}
	return nil
}

// isTokenChar reports whether r may appear in a header name (RFC 9110 token).
func isTokenChar(r rune) bool {
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("!#$%&'*+-.^_`|~", r)
}

// callbackTarget sends to DataTechLabs: any 2xx answer is success.
type callbackTarget struct {
	base *url.URL
	auth Credentials
}

func (t *callbackTarget) send(ctx context.Context, c *Client, j job) (Result, bool, *Error) {
	u := j.env.url(t.base).String()
	res := Result{Request: Request{Method: j.env.Method, URL: u, Body: j.env.Body}}
	h := jsonHeader()
	if t.auth.name != "" {
		h.Set(t.auth.name, t.auth.value)
	}
	ex, n, reached, err := c.do(ctx, outgoing{job: j, method: j.env.Method, url: u, show: u, body: j.env.Body, header: h})
	res.Attempts, res.Response = n, newResponse(ex)
	if err != nil || !success(ex.status) {
		return res, reached, failure(j.platform, ex, err)
	}
	return res, reached, nil
}

// jsonHeader is the header of a request with a JSON body.
func jsonHeader() http.Header {
	return http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}}
}

func success(status int) bool { return 200 <= status && status < 300 }

// failure is the *Error for a request that got ex (or nothing) and err.
func failure(platform string, ex *exchange, err error) *Error {
	e := &Error{Platform: platform, Err: err}
	if ex != nil {
		e.Status = ex.status
		e.Message = message(ex.body)
		if e.Message == "" && !success(ex.status) {
			e.Message = http.StatusText(ex.status)
		}
	}
	return e
}
