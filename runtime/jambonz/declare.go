package jambonz

import (
	"net/http"
	"time"

	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/runtime/platform"
)

// SecretName names the account's webhook secret, which jambonz signs its
// webhooks with.
const SecretName = "jambonz"

// StatusPath is the route of the application's call status hook.
const StatusPath = "/hooks/jambonz/status"

// Declaration is the jambonz platform, for the runtime's registry.
var Declaration = platform.Declaration{
	Facts:   lplatform.MustLookup(Name),
	Adapter: New(),
	// The status route is more specific than {flow}: a flow named status
	// cannot be named in a URL.
	Routes:    []platform.Route{{Path: "/hooks/jambonz"}, {Path: StatusPath}, {Path: "/hooks/jambonz/{flow}"}},
	Methods:   []string{http.MethodGet, http.MethodPost},
	Recognize: recognize,
	Secrets: []platform.SecretSpec{{Name: SecretName, Env: "CALLFLOW_JAMBONZ_SECRET",
		Help: "the account's webhook secret (jambonz portal: Account, Webhook secret)"}},
	SignedBody:   true,
	Authenticate: authenticate,
}

// recognize: jambonz webhooks carry call_sid (and no other platform's
// does).
func recognize(body []byte) bool { return platform.HasMember(body, "call_sid") }

// now is the clock signatures are checked against.
var now = time.Now

// authenticate checks the Jambonz-Signature over the raw body.
func authenticate(a platform.AuthRequest) string {
	return VerifySignature(a.Secret(SecretName), a.Request.Header.Get(SignatureHeader), a.Body, now())
}
