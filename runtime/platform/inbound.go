package platform

import (
	"mime"
	"net/http"
	"net/url"
)

// Inbound is a webhook's HTTP request as an adapter that reads more than its
// body sees it: the method, the public URL (a signature covers it, a GET
// carries its parameters in it) and the server's public base URL (action
// URLs that continue the call start with it).
type Inbound struct {
	Method string
	// URL is the request's public URL, as the platform called it: with
	// `serve --public-url`, that URL's scheme, host and path prefix
	// followed by the request's path and query.
	URL *url.URL
	// Base is the server's public base URL: --public-url, or the scheme
	// and host the request came to.
	Base   *url.URL
	Header http.Header
	Body   []byte
}

// RequestDecoder is an Adapter whose webhooks need more than their body
// (form-encoded or GET webhooks, resume tokens in action URLs). The engine
// calls DecodeRequest instead of Decode when it has the request.
type RequestDecoder interface {
	DecodeRequest(in *Inbound) (*Event, error)
}

// FormType is the media type of form-encoded webhook bodies.
const FormType = "application/x-www-form-urlencoded"

// Form returns the webhook's parameters: the query's, then a form-encoded
// body's (a repeated name keeps every value, in that order). A body of
// another type is not read. A malformed query or body is a *DecodeError.
func (in *Inbound) Form() (url.Values, error) {
	var q url.Values
	if in.URL != nil {
		var err error
		if q, err = url.ParseQuery(in.URL.RawQuery); err != nil {
			return nil, &DecodeError{Field: "query", Msg: "malformed: " + err.Error()}
		}
	} else {
		q = url.Values{}
	}
	if mt, _, _ := mime.ParseMediaType(in.Header.Get("Content-Type")); mt != FormType || len(in.Body) == 0 {
		return q, nil
	}
	b, err := url.ParseQuery(string(in.Body))
	if err != nil {
		return nil, &DecodeError{Field: "body", Msg: "malformed form: " + err.Error()}
	}
	for k, vs := range b {
		q[k] = append(q[k], vs...)
	}
	return q, nil
}

// ActionURL is the public URL of path on this server with the query q,
// for an answer that tells the platform where to send what comes next.
// Without a Base (`callflow run` and `callflow test` have no server) it is
// path and query alone, which a platform resolves against the URL it called.
func (in *Inbound) ActionURL(path string, q url.Values) string {
	if in.Base == nil {
		return (&url.URL{Path: path, RawQuery: q.Encode()}).String()
	}
	u := *in.Base
	u.Path = trimSlash(u.Path) + path
	u.RawPath = ""
	u.RawQuery = q.Encode()
	return u.String()
}

func trimSlash(p string) string {
	for len(p) > 0 && p[len(p)-1] == '/' {
		p = p[:len(p)-1]
	}
	return p
}
