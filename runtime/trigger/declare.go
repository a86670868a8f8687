package trigger

import (
	"encoding/json"

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
func Recognize(body []byte) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return false
	}
	return m["id"] != nil
}

// Authenticate checks the bearer token, when one is configured.
func Authenticate(a *platform.AuthRequest) string {
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
