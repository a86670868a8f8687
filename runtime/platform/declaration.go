package platform

import (
	"encoding/json"
	"net/http"
	"strings"

	lplatform "github.com/callflow/callflow/lang/platform"
)

// Declaration is one platform as the engine, the server and the CLI see it:
// every fact about the platform they use, so none of them names a platform.
// Each adapter package declares one value; the runtime's registry lists them
// (runtime.Platforms). The compile-time facts (capabilities, limits, answer
// budget, what the end of a handler means) live in lang/platform, which the
// checker reads without importing the runtime; Facts points to them.
type Declaration struct {
	// Facts are the platform's compile-time facts; Facts.Name is the
	// platform's name in flows, URLs, logs and metrics.
	Facts *lplatform.Platform
	// Adapter decodes its webhooks, renders its answers and falls back.
	Adapter Adapter

	// Routes are where its webhooks arrive.
	Routes []Route
	// Methods are the HTTP methods its routes take; nil means POST only.
	// A GET webhook carries its parameters in the query (see Inbound.Form).
	Methods []string
	// Bodies are the media types its webhook bodies may have, such as
	// "application/x-www-form-urlencoded"; nil means JSON, labelled
	// leniently (a missing Content-Type, text/plain, any +json).
	Bodies []string
	// Answer is the Content-Type of its answers (2xx with a body), such as
	// "text/xml"; "" means application/json. Refusals are always JSON.
	Answer string

	// Recognize reports whether a webhook body has the platform's shape,
	// for `callflow run`'s detection; nil never recognizes. Two platforms
	// may recognize one body (callback and callbot triggers): run then asks
	// the flows which of them they target.
	Recognize func(body []byte) bool

	// Secrets are what its authentication may need, each optional.
	Secrets []SecretSpec
	// SignedBody says Authenticate needs the body (a signature over it):
	// the body is read first, and handed over in AuthRequest.Body.
	SignedBody bool
	// Authenticate checks one request against the configured secrets and
	// returns what is missing or wrong, or "" when it may pass. nil lets
	// every request pass (to the allow-list).
	Authenticate func(a AuthRequest) string
}

// Name is the platform's name.
func (d *Declaration) Name() string { return d.Facts.Name }

// Takes reports whether the platform's routes take method.
func (d *Declaration) Takes(method string) bool {
	if len(d.Methods) == 0 {
		return method == http.MethodPost
	}
	for _, m := range d.Methods {
		if m == method {
			return true
		}
	}
	return false
}

// AllowHeader is the value of the Allow header of a 405 on its routes.
func (d *Declaration) AllowHeader() string {
	if len(d.Methods) == 0 {
		return http.MethodPost
	}
	return strings.Join(d.Methods, ", ")
}

// WebhookHeader is the HTTP header of a webhook its Adapter.Webhook built,
// for `callflow run` and `callflow test`, which have no HTTP request: the
// first body type it declares (none for a JSON platform).
func (d *Declaration) WebhookHeader() http.Header {
	h := http.Header{}
	if len(d.Bodies) > 0 {
		h.Set("Content-Type", d.Bodies[0])
	}
	return h
}

// Route is one path webhooks arrive on.
type Route struct {
	// Path is a net/http.ServeMux path pattern such as
	// "/hooks/8x8/{flow}": {flow} names the flow to run (without it the
	// called number picks the flow), {secret} is a secret path segment.
	Path string
	// Secret names the SecretSpec a {secret} segment must match; the route
	// answers 404 while that secret is not configured.
	Secret string
}

// NamesFlow reports whether the route names its flow.
func (r Route) NamesFlow() bool { return strings.Contains(r.Path, "{flow}") }

// SecretSpec is one secret a platform's authentication may need.
type SecretSpec struct {
	// Name is how Authenticate asks for it (AuthRequest.Secret) and how a
	// server's configuration holds it (server.Auth.Secrets); platforms that
	// share a secret (callback and callbot triggers) share the name.
	Name string
	// Env is the environment variable `callflow serve` reads it from (or a
	// file named by Env_FILE).
	Env string
	// Help says what it is and where the platform's console shows it.
	Help string
}

// AuthRequest is what Authenticate sees of a request.
type AuthRequest struct {
	Request *http.Request
	// URL is the request's public URL, as the platform called it: with
	// `serve --public-url`, its scheme, host and path prefix. It is worked
	// out only for a declaration with SignedBody or whose adapter is a
	// RequestDecoder ("" otherwise), sparing the other platforms' webhooks.
	URL string
	// Body is the body when the declaration has SignedBody; else nil.
	Body []byte
	// PathSecret is the route's {secret} segment; nil on other routes.
	PathSecret *string
	// Config is what the server is configured with; nil is nothing.
	Config AuthConfig
}

// AuthConfig is a server's configured secrets and settings of
// authentication (server.Auth is one).
type AuthConfig interface {
	// Secret returns the secret of that name; an unset Secret when none.
	Secret(name string) Secret
	// Param returns the non-secret setting of that name (such as the
	// header 8x8 sends its value in); "" when not set.
	Param(name string) string
}

// Secret returns the configured secret of that name; an unset Secret when
// there is none.
func (a AuthRequest) Secret(name string) Secret {
	if a.Config == nil {
		return Secret{}
	}
	return a.Config.Secret(name)
}

// Param returns the configured setting of that name; "" when not set.
func (a AuthRequest) Param(name string) string {
	if a.Config == nil {
		return ""
	}
	return a.Config.Param(name)
}

// Bearer returns the token of an `Authorization: Bearer TOKEN` header.
func Bearer(h http.Header) string {
	v := h.Get("Authorization")
	if len(v) > 7 && strings.EqualFold(v[:7], "bearer ") {
		return strings.TrimSpace(v[7:])
	}
	return ""
}

// HasMember reports whether body is a JSON object with a member named one
// of names: how most JSON platforms recognize their webhooks.
func HasMember(body []byte, names ...string) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return false
	}
	for _, n := range names {
		if m[n] != nil {
			return true
		}
	}
	return false
}
