package platform

import "net/url"

// WebhookTarget is an Adapter whose platform sends some webhooks to a URL
// its last answer gave (an action URL carrying the resume token) rather
// than echoing the token in the body. `callflow test` asks it where the
// webhook Webhook(c) built is sent, given the body of the answer the
// platform last got (nil before the first), and hands that URL to the
// engine as the request's (runtime.Request.URL).
type WebhookTarget interface {
	WebhookURL(c Call, last []byte) (*url.URL, error)
}
