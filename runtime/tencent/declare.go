package tencent

import (
	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/runtime/platform"
)

// SecretName is the secret of tencent webhooks: a path segment or a header
// token (Tencent signs nothing).
const SecretName = "tencent"

// Declaration is the tencent platform, for the runtime's registry.
var Declaration = platform.Declaration{
	Facts:   lplatform.MustLookup(Name),
	Adapter: New(),
	Routes: []platform.Route{
		{Path: "/hooks/tencent"},
		{Path: "/hooks/tencent/{flow}"},
		{Path: "/hooks/tencent/s/{secret}", Secret: SecretName},
		{Path: "/hooks/tencent/s/{secret}/{flow}", Secret: SecretName},
	},
	Recognize: recognize,
	Secrets: []platform.SecretSpec{{Name: SecretName, Env: "CALLFLOW_TENCENT_SECRET",
		Help: "the secret path segment or header token of tencent webhooks"}},
	Authenticate: authenticate,
}

// recognize: a CallInBound webhook has Event or CallInBound.
func recognize(body []byte) bool { return platform.HasMember(body, "Event", "CallInBound") }

// authenticate checks the secret path segment or, on the other routes, a
// header token: `Authorization: Bearer SECRET` or `X-Callflow-Token: SECRET`.
func authenticate(a platform.AuthRequest) string {
	secret := a.Secret(SecretName)
	if a.PathSecret != nil {
		if !secret.Matches(*a.PathSecret) {
			return "the secret in the path is wrong"
		}
		return ""
	}
	if !secret.IsSet() {
		return ""
	}
	t := platform.Bearer(a.Request.Header)
	if t == "" {
		t = a.Request.Header.Get("X-Callflow-Token")
	}
	if t == "" {
		return "a secret is required: in the path (/hooks/tencent/s/SECRET) or a header token"
	}
	if !secret.Matches(t) {
		return "the token is wrong"
	}
	return ""
}
