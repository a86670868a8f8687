package platform

import "net/url"

// WebhookTarget is an Adapter whose platform sends some webhooks to a URL
// an answer gave (an action URL carrying the resume token) rather than
// echoing the token in the body. `callflow test` asks it where the
// webhook Webhook(c) built is sent, and hands that URL to the engine as
// the request's (runtime.Request.URL); nil is the platform's own hook.
type WebhookTarget interface {
	WebhookURL(c Call) *url.URL
}
