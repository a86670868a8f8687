package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Secret is a shared secret a request must present. Only its SHA-256 digest
// is kept, compared in constant time, so neither its value nor its length
// leaks through timing, and it cannot end up in a log: it prints as
// "[secret]".
type Secret struct {
	sum [sha256.Size]byte
	set bool
}

// NewSecret makes a secret of v; an empty v is no secret (the route is
// open).
func NewSecret(v string) Secret {
	if v == "" {
		return Secret{}
	}
	return Secret{sum: sha256.Sum256([]byte(v)), set: true}
}

// IsSet reports whether the secret is configured.
func (s Secret) IsSet() bool { return s.set }

// Matches reports, in constant time, whether v is the secret. Anything
// matches a secret that is not set.
func (s Secret) Matches(v string) bool {
	if !s.set {
		return true
	}
	got := sha256.Sum256([]byte(v))
	return subtle.ConstantTimeCompare(got[:], s.sum[:]) == 1
}

// String hides the secret.
func (s Secret) String() string { return "[secret]" }

// GoString hides the secret from %#v.
func (s Secret) GoString() string { return "server.Secret{[secret]}" }

// LogValue hides the secret from slog.
func (s Secret) LogValue() slog.Value { return slog.StringValue("[secret]") }

// Routes an allow-list can be set for.
const (
	RouteTencent  = "tencent"
	Route8x8      = "8x8"
	RouteCallback = "callback"
	RouteCallbot  = "callbot"
	RouteAdmin    = "admin" // GET /v1/flows, /v1/status and /metrics
)

// Auth is the optional protection of each route. Every secret is optional;
// a route whose secret is not set is open (to the allow-list).
type Auth struct {
	// EightByEight is the value 8x8 sends in EightByEightHeader (8x8's
	// httpAuthHeader setting); the header defaults to Authorization.
	EightByEight       Secret
	EightByEightHeader string
	// Trigger is the bearer token callback and callbot triggers send:
	// `Authorization: Bearer TOKEN`.
	Trigger Secret
	// Tencent is a secret path segment (/hooks/tencent/s/SECRET[/flow]) or,
	// on /hooks/tencent[/flow], a header token: `Authorization: Bearer
	// SECRET` or `X-Callflow-Token: SECRET`. Tencent signs nothing.
	Tencent Secret

	// Allow limits every webhook route to peers in these networks; a
	// route's entry in AllowRoute replaces it. RouteAdmin is limited only by
	// its own entry. Empty means anyone. The peer is the TCP peer
	// (RemoteAddr): behind a proxy, filter at the proxy.
	Allow      []netip.Prefix
	AllowRoute map[string][]netip.Prefix
}

// ParsePrefixes reads CIDRs ("10.0.0.0/8") and single addresses
// ("203.0.113.7"), separated by commas or given one per element.
func ParsePrefixes(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, item := range list {
		for _, s := range strings.Split(item, ",") {
			s = strings.TrimSpace(s)
			if s == "" {
				continue
			}
			if p, err := netip.ParsePrefix(s); err == nil {
				out = append(out, p.Masked())
				continue
			}
			a, err := netip.ParseAddr(s)
			if err != nil {
				return nil, fmt.Errorf("%q is neither a CIDR (10.0.0.0/8) nor an IP address", s)
			}
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
		}
	}
	return out, nil
}

// allowList is the list that applies to a route; nil means anyone.
func (a *Auth) allowList(route string) []netip.Prefix {
	if l, ok := a.AllowRoute[route]; ok && len(l) > 0 {
		return l
	}
	if route == RouteAdmin {
		return nil
	}
	return a.Allow
}

// allowed reports whether the peer of r may use route.
func (a *Auth) allowed(route string, r *http.Request) bool {
	list := a.allowList(route)
	if len(list) == 0 {
		return true
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	addr = addr.Unmap().WithZone("")
	for _, p := range list {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// bearer returns the token of an `Authorization: Bearer TOKEN` header.
func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// check authenticates a webhook for platform; secretInPath is the path
// segment of /hooks/tencent/s/{secret}, when the route has one. It returns
// what is missing or wrong, or "".
func (a *Auth) check(platform string, r *http.Request, secretInPath *string) string {
	switch platform {
	case "8x8":
		if !a.EightByEight.IsSet() {
			return ""
		}
		name := a.EightByEightHeader
		if name == "" {
			name = "Authorization"
		}
		v := r.Header.Get(name)
		if v == "" {
			return "the " + name + " header is missing"
		}
		if !a.EightByEight.Matches(v) {
			return "the " + name + " header is wrong"
		}
	case "callback", "callbot":
		if !a.Trigger.IsSet() {
			return ""
		}
		t := bearer(r)
		if t == "" {
			return "an Authorization: Bearer token is required"
		}
		if !a.Trigger.Matches(t) {
			return "the bearer token is wrong"
		}
	case "tencent":
		if secretInPath != nil {
			if !a.Tencent.Matches(*secretInPath) {
				return "the secret in the path is wrong"
			}
			return ""
		}
		if !a.Tencent.IsSet() {
			return ""
		}
		t := bearer(r)
		if t == "" {
			t = r.Header.Get("X-Callflow-Token")
		}
		if t == "" {
			return "a secret is required: in the path (/hooks/tencent/s/SECRET) or a header token"
		}
		if !a.Tencent.Matches(t) {
			return "the token is wrong"
		}
	}
	return ""
}
