package runtime

// This file holds the lookup guard: a flow's lookup URL is written by a
// flow author and filled with values callers control, so by default a
// lookup may neither be redirected to another host nor reach the addresses
// where clouds serve instance credentials.

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"syscall"
	"time"
)

// errLookupRefused wraps every refusal of the lookup guard.
var errLookupRefused = errors.New("refused")

// metadataAddrs are the instance metadata services outside the link-local
// ranges: AWS's IPv6 endpoint and Alibaba Cloud's.
var metadataAddrs = []netip.Addr{
	netip.MustParseAddr("fd00:ec2::254"),
	netip.MustParseAddr("100.100.100.200"),
}

// nat64 is the well-known NAT64 prefix (RFC 6052): its addresses reach the
// IPv4 address in their last 32 bits.
var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// unsafeAddr reports why a lookup may not connect to a, or "" when it may:
// link-local addresses (169.254.0.0/16, where AWS, GCP, Azure, Oracle and
// Tencent Cloud serve metadata; fe80::/10) and the metadata addresses
// elsewhere, in any IPv6 form that reaches them.
func unsafeAddr(a netip.Addr) string {
	a = a.Unmap()
	if a.Is6() && nat64.Contains(a) {
		b := a.As16()
		a = netip.AddrFrom4([4]byte(b[12:]))
	}
	a = a.WithZone("")
	switch {
	case a.IsLinkLocalUnicast():
		return "a link-local address"
	case a.IsLinkLocalMulticast(), a.IsInterfaceLocalMulticast():
		return "a link-local multicast address"
	}
	for _, m := range metadataAddrs {
		if a == m {
			return "a cloud metadata address"
		}
	}
	return ""
}

// refuseUnsafeDial is a net.Dialer Control function: it sees the address
// being connected to after name resolution, so a name that resolves to a
// safe address when checked and to a metadata address when used (DNS
// rebinding) is still refused.
func refuseUnsafeDial(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: connecting to %s: not an IP address", errLookupRefused, address)
	}
	if why := unsafeAddr(ap.Addr()); why != "" {
		return fmt.Errorf("%w: %s is %s (serve --unguarded-lookups allows it)", errLookupRefused, ap.Addr(), why)
	}
	return nil
}

// refuseUnsafeHost refuses a URL host that is an unsafe address literal,
// before any I/O: with a proxy, the dial goes to the proxy, not the host.
func refuseUnsafeHost(host string) error {
	if host == "" || !(host[0] >= '0' && host[0] <= '9' || strings.ContainsRune(host, ':')) {
		return nil // a name (an IPv4 literal starts with a digit, an IPv6 one has colons): checked when dialled
	}
	a, err := netip.ParseAddr(strings.Trim(host, "[]"))
	if err != nil {
		return nil // a name: checked when dialled
	}
	if why := unsafeAddr(a); why != "" {
		return fmt.Errorf("%w: %s is %s (serve --unguarded-lookups allows it)", errLookupRefused, a, why)
	}
	return nil
}

// maxRedirects is how many redirects a lookup follows, as net/http does.
const maxRedirects = 10

// sameHostRedirects is a CheckRedirect that follows redirects only to the
// host of the first request (any scheme or port), then next's rules, if any.
func sameHostRedirects(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if from, to := via[0].URL.Hostname(), req.URL.Hostname(); !strings.EqualFold(from, to) {
			return fmt.Errorf("%w: redirect from %s to another host, %s (serve --unguarded-lookups allows it)", errLookupRefused, from, to)
		}
		if err := refuseUnsafeHost(req.URL.Hostname()); err != nil {
			return err
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= maxRedirects {
			return fmt.Errorf("stopped after %d redirects", maxRedirects)
		}
		return nil
	}
}

// guardClient returns a copy of c that refuses redirects to other hosts
// and, when its transport is an *http.Transport, connections to unsafe
// addresses. c is not modified: a client an embedder shares stays theirs.
// A transport of another kind (a test's stub, an instrumenting wrapper)
// cannot be guarded at dial time; URLs naming an unsafe address literally
// are still refused.
func guardClient(c *http.Client) *http.Client {
	g := *c
	g.CheckRedirect = sameHostRedirects(c.CheckRedirect)
	switch t := c.Transport.(type) {
	case nil:
		g.Transport = guardTransport(http.DefaultTransport.(*http.Transport))
	case *http.Transport:
		g.Transport = guardTransport(t)
	}
	return &g
}

// guardTransport clones t with a dialer that refuses unsafe addresses. A
// transport with dialers of its own keeps them, and a connection one makes
// to an unsafe address is closed before a byte is sent.
func guardTransport(t *http.Transport) *http.Transport {
	g := t.Clone()
	if t.DialContext == nil || t == http.DefaultTransport {
		d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second, Control: refuseUnsafeDial}
		g.DialContext = d.DialContext
	} else {
		g.DialContext = checkedDial(t.DialContext)
	}
	if t.DialTLSContext != nil { // used for https instead of DialContext
		g.DialTLSContext = checkedDial(t.DialTLSContext)
	}
	if t.DialTLS != nil {
		dial := checkedDial(func(_ context.Context, network, addr string) (net.Conn, error) { return t.DialTLS(network, addr) })
		g.DialTLS = func(network, addr string) (net.Conn, error) { return dial(context.Background(), network, addr) }
	}
	return g
}

type dialFunc = func(ctx context.Context, network, address string) (net.Conn, error)

// checkedDial wraps a dialer whose connections cannot be checked before
// they are made: each is checked once made, and closed if unsafe.
func checkedDial(dial dialFunc) dialFunc {
	return func(ctx context.Context, network, address string) (net.Conn, error) {
		conn, err := dial(ctx, network, address)
		if err != nil {
			return nil, err
		}
		if ap, perr := netip.ParseAddrPort(conn.RemoteAddr().String()); perr == nil {
			if err := refuseUnsafeDial(network, ap.String(), nil); err != nil {
				conn.Close()
				return nil, err
			}
		}
		return conn, nil
	}
}
