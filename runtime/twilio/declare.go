package twilio

import (
	"net/http"
	"net/url"

	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/runtime/platform"
)

// SecretName is the account's auth token, which signs every request.
const SecretName = "twilio"

// Declaration is the Twilio platform, for the runtime's registry.
var Declaration = platform.Declaration{
	Facts:     lplatform.MustLookup(Name),
	Adapter:   New(),
	Routes:    []platform.Route{{Path: "/hooks/twilio"}, {Path: "/hooks/twilio/{flow}"}},
	Methods:   []string{http.MethodGet, http.MethodPost},
	Bodies:    []string{platform.FormType},
	Answer:    "text/xml",
	Recognize: recognize,
	Secrets: []platform.SecretSpec{{Name: SecretName, Env: "CALLFLOW_TWILIO_AUTH_TOKEN",
		Help: "the Auth Token of the Twilio account (Console, Account Info); signs X-Twilio-Signature"}},
	// The signature covers the POST parameters, so it needs the body.
	SignedBody:   true,
	Authenticate: authenticate,
}

// recognize: a Twilio voice webhook is a form with CallSid and AccountSid.
func recognize(body []byte) bool {
	f, err := url.ParseQuery(string(body))
	return err == nil && f.Get("CallSid") != "" && f.Get("AccountSid") != ""
}
