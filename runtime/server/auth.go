package server

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/callflow/callflow/runtime/callback"
	"github.com/callflow/callflow/runtime/callbot"
	"github.com/callflow/callflow/runtime/eightbyeight"
	"github.com/callflow/callflow/runtime/platform"
	"github.com/callflow/callflow/runtime/tencent"
	"github.com/callflow/callflow/runtime/trigger"
)

// Secret is a shared secret a request must present (platform.Secret): only
// its SHA-256 digest is compared, in constant time, and it prints as
// "[secret]".
type Secret = platform.Secret

// NewSecret makes a secret of v; an empty v is no secret (the route is
// open).
func NewSecret(v string) Secret { return platform.NewSecret(v) }

// Routes an allow-list can be set for: each platform's name, and RouteAdmin.
const (
	RouteTencent  = tencent.Name
	Route8x8      = eightbyeight.Name
	RouteCallback = callback.Name
	RouteCallbot  = callbot.Name
	RouteAdmin    = "admin" // GET /v1/flows, /v1/status and /metrics
)

// Auth is the optional protection of each route. Every secret is optional;
// a route whose secret is not set is open (to the allow-list). Each
// platform's declaration says which secrets it needs (SecretSpec) and
// checks them (Authenticate).
type Auth struct {
	// Secrets are the platforms' secrets by SecretSpec name, such as
	// tencent.SecretName; a secret set here wins over the fields below.
	Secrets map[string]Secret
	// Params are non-secret settings of authentication by name, such as
	// eightbyeight.HeaderParam.
	Params map[string]string

	// The fields below name the seed platforms' secrets; they are read as
	// Secrets and Params entries of the same meaning.

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

// Secret is the configured secret called name: Secrets' entry, else the
// named field of that meaning; an unset Secret when there is none.
func (a *Auth) Secret(name string) Secret {
	if s, ok := a.Secrets[name]; ok && s.IsSet() {
		return s
	}
	switch name { // the named fields Auth had before Secrets
	case eightbyeight.SecretName:
		return a.EightByEight
	case trigger.SecretName:
		return a.Trigger
	case tencent.SecretName:
		return a.Tencent
	}
	return Secret{}
}

// Param is the setting called name: Params' entry, else the named field of
// that meaning; "" when not set.
func (a *Auth) Param(name string) string {
	if v := a.Params[name]; v != "" {
		return v
	}
	if name == eightbyeight.HeaderParam {
		return a.EightByEightHeader
	}
	return ""
}

// check authenticates a webhook for d: what is missing or wrong, or "".
func (a *Auth) check(d *platform.Declaration, ar platform.AuthRequest) string {
	if d.Authenticate == nil {
		return ""
	}
	ar.Config = a
	return d.Authenticate(ar)
}
