package runtime

import "net/http"

// The lookup connection pool. http.DefaultTransport keeps two idle
// connections per host: with webhooks arriving concurrently, most lookups
// to one CRM would open a new TCP connection. `callflow serve` and the
// load program's both sides (bench/load) use these settings, so P3
// compares like with like.
const (
	LookupMaxIdleConns        = 256 // idle connections kept in all
	LookupMaxIdleConnsPerHost = 64  // idle connections kept per host
)

// NewLookupClient returns the pooled client `callflow serve` gives
// WithHTTPClient: http.DefaultTransport's settings (proxy from the
// environment, timeouts, HTTP/2) with LookupMaxIdleConns and
// LookupMaxIdleConnsPerHost. Its transport has no dialer of its own: the
// engine's lookup guard dials, refusing unsafe addresses.
func NewLookupClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = LookupMaxIdleConns
	t.MaxIdleConnsPerHost = LookupMaxIdleConnsPerHost
	t.DialContext = nil
	return &http.Client{Transport: t}
}
