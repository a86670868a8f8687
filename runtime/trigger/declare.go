package trigger

import (
	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/runtime/platform"
)

// SecretName is the bearer token every trigger platform shares:
// `Authorization: Bearer TOKEN`.
const SecretName = "trigger"

// Secrets are what trigger platforms' authentication needs.
var Secrets = []platform.SecretSpec{{Name: SecretName, Env: "CALLFLOW_TRIGGER_TOKEN",
	Help: "the bearer token of callback and callbot triggers"}}

// Recognize reports whether body is a trigger: a JSON object with an id.
// Every trigger platform recognizes it; `callflow run` asks the flows.
func Recognize(body []byte) bool { return platform.HasMember(body, "id") }

// Authenticate checks the bearer token, when one is configured.
func Authenticate(a platform.AuthRequest) string {
	secret := a.Secret(SecretName)
	if !secret.IsSet() {
		return ""
	}
	t := platform.Bearer(a.Request.Header)
	if t == "" {
		return "an Authorization: Bearer token is required"
	}
	if !secret.Matches(t) {
		return "the bearer token is wrong"
	}
	return ""
}

// Declare is the declaration of the trigger platform facts with adapter a:
// its route names the flow (a trigger has no called number to route by),
// and it is recognized and authenticated as every trigger is.
func Declare(facts *lplatform.Platform, a platform.Adapter) platform.Declaration {
	return platform.Declaration{
		Facts:        facts,
		Adapter:      a,
		Routes:       []platform.Route{{Path: "/hooks/" + facts.Name + "/{flow}"}},
		Recognize:    Recognize,
		Secrets:      Secrets,
		Authenticate: Authenticate,
	}
}
