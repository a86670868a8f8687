package eightbyeight

import (
	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/runtime/platform"
)

// SecretName is the value 8x8 sends in its auth header (8x8's
// httpAuthHeader setting); HeaderParam names that header (default
// Authorization).
const (
	SecretName  = "8x8"
	HeaderParam = "8x8-auth-header"
)

// Declaration is the 8x8 platform, for the runtime's registry.
var Declaration = platform.Declaration{
	Facts:     lplatform.MustLookup(Name),
	Adapter:   New(),
	Routes:    []platform.Route{{Path: "/hooks/8x8"}, {Path: "/hooks/8x8/{flow}"}},
	Recognize: recognize,
	Secrets: []platform.SecretSpec{{Name: SecretName, Env: "CALLFLOW_8X8_AUTH",
		Help: "the httpAuthHeader value 8x8 sends (see --8x8-auth-header)"}},
	Authenticate: authenticate,
}

// recognize: 8x8 webhooks have eventType and payload.
func recognize(body []byte) bool { return platform.HasMember(body, "eventType", "payload") }

// authenticate checks the configured header value in constant time.
func authenticate(a platform.AuthRequest) string {
	secret := a.Secret(SecretName)
	if !secret.IsSet() {
		return ""
	}
	name := a.Param(HeaderParam)
	if name == "" {
		name = "Authorization"
	}
	v := a.Request.Header.Get(name)
	if v == "" {
		return "the " + name + " header is missing"
	}
	if !secret.Matches(v) {
		return "the " + name + " header is wrong"
	}
	return ""
}
