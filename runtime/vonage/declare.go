package vonage

import (
	"net/http"

	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/runtime/platform"
)

// SecretName is the account's signature secret, which signs webhooks.
const SecretName = "vonage"

// Declaration is the Vonage platform, for the runtime's registry. The
// application's answer URL and event URL are both /hooks/vonage/{flow} (or
// /hooks/vonage, where the called number picks the flow); input results
// come back on the eventUrl each input action names, the same route with
// the resume token in its query.
var Declaration = platform.Declaration{
	Facts:     lplatform.MustLookup(Name),
	Adapter:   New(),
	Routes:    []platform.Route{{Path: "/hooks/vonage"}, {Path: "/hooks/vonage/{flow}"}},
	Methods:   []string{http.MethodGet, http.MethodPost},
	Recognize: recognize,
	Secrets: []platform.SecretSpec{{Name: SecretName, Env: "CALLFLOW_VONAGE_SIGNATURE_SECRET",
		Help: "the signature secret of the Vonage account (Dashboard → API Settings → Signed webhooks), which signs webhooks (HS256 JWT)"}},
	SignedBody:   true,
	Authenticate: authenticate,
}

// recognize: Vonage webhooks name the call leg (uuid) and its conversation
// (conversation_uuid).
func recognize(body []byte) bool {
	return platform.HasMember(body, "conversation_uuid")
}
