package load

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"time"

	"github.com/callflow/callflow/runtime"
)

// The load runs are aimed only at this machine's loopback interface: every
// address they listen on, send to or let the engine's lookups dial is
// checked, and anything else is refused. Host names, even "localhost", are
// refused too, since a resolver may send them elsewhere.

// CheckLoopbackAddr accepts "host:port" only when host is a loopback IP
// literal (127.0.0.0/8 or ::1).
func CheckLoopbackAddr(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("load: refusing %q: %v", addr, err)
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || ip.Zone() != "" {
		return fmt.Errorf("load: refusing %q: only loopback IP literals (127.0.0.1, [::1]) are allowed", addr)
	}
	if !ip.Unmap().IsLoopback() {
		return fmt.Errorf("load: refusing %q: not a loopback address; the load runs only ever target this machine", addr)
	}
	return nil
}

// CheckLoopbackURL accepts an http URL whose host is a loopback IP literal
// with an explicit port.
func CheckLoopbackURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("load: refusing %q: %v", raw, err)
	}
	if u.Scheme != "http" {
		return fmt.Errorf("load: refusing %q: only http:// on loopback is allowed", raw)
	}
	if u.User != nil {
		return fmt.Errorf("load: refusing %q: no credentials in URLs", raw)
	}
	return CheckLoopbackAddr(u.Host)
}

// dialLoopback is a DialContext that refuses every address that is not
// loopback, so not even a redirect or a flow's lookup URL can leave the
// machine.
func dialLoopback(ctx context.Context, network, addr string) (net.Conn, error) {
	if err := CheckLoopbackAddr(addr); err != nil {
		return nil, err
	}
	d := net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	return d.DialContext(ctx, network, addr)
}

// listenLoopback listens on a free port of 127.0.0.1.
func listenLoopback() (net.Listener, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	if err := CheckLoopbackAddr(ln.Addr().String()); err != nil {
		ln.Close()
		return nil, err
	}
	return ln, nil
}

// LoadClient is the load generator's HTTP client: keep-alive HTTP/1.1 with
// room for conns idle connections to the one host, dialling loopback only.
func LoadClient(conns int) *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			DialContext:         dialLoopback,
			MaxIdleConns:        2 * conns,
			MaxIdleConnsPerHost: 2 * conns,
			IdleConnTimeout:     90 * time.Second,
			DisableCompression:  true,
			ForceAttemptHTTP2:   false,
		},
		Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// lookupClient is the client of the lookups on both sides of P3, pooled as
// `callflow serve` pools the engine's (runtime.NewLookupClient), except that
// it dials loopback only and ignores an environment proxy.
func lookupClient() *http.Client {
	c := runtime.NewLookupClient()
	t := c.Transport.(*http.Transport)
	t.Proxy = nil // an environment proxy would leave loopback
	t.DialContext = dialLoopback
	return c
}
