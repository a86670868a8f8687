package runtime

import (
	"context"
	"errors"
	"net"
	"net/http"
	"testing"
)

// The dial guard refuses link-local and metadata addresses in every form
// that reaches them, and nothing else.
func TestRefuseUnsafeDial(t *testing.T) {
	for _, tc := range []struct {
		addr    string
		refused bool
	}{
		{"169.254.169.254:80", true}, // AWS, GCP, Azure, Oracle metadata
		{"169.254.0.23:80", true},    // Tencent Cloud metadata
		{"169.254.170.2:80", true},   // ECS task credentials
		{"[fd00:ec2::254]:80", true}, // AWS IPv6 metadata
		{"100.100.100.200:80", true}, // Alibaba Cloud metadata
		{"[fe80::1]:80", true},
		{"[fe80::1%eth0]:80", true},
		{"[febf::1]:80", true},                // the top of fe80::/10
		{"[::ffff:169.254.169.254]:80", true}, // IPv4-mapped
		{"[64:ff9b::a9fe:a9fe]:80", true},     // NAT64 of 169.254.169.254
		{"[64:ff9b::6464:64c8]:80", true},     // NAT64 of 100.100.100.200
		{"127.0.0.1:8080", false},             // the CRM beside us
		{"[::1]:80", false},                   //
		{"10.1.2.3:443", false},               // a private network
		{"192.168.1.10:443", false},           //
		{"[fd00:ec2::1]:80", false},           // only the metadata address of AWS's range
		{"[fec0::1]:80", false},               // just above fe80::/10
		{"169.253.255.255:80", false},         // just below 169.254.0.0/16
		{"100.100.100.201:80", false},         //
		{"203.0.113.7:443", false},            // a public address
		{"[2001:db8::1]:443", false},          //
		{"[64:ff9b::cb00:7107]:443", false},   // NAT64 of 203.0.113.7
		{"[::ffff:10.1.2.3]:443", false},      //
	} {
		err := refuseUnsafeDial("tcp", tc.addr, nil)
		if refused := errors.Is(err, errLookupRefused); refused != tc.refused {
			t.Errorf("%s: %v, want refused %t", tc.addr, err, tc.refused)
		}
	}
}

// A URL naming an unsafe address is refused before any I/O, proxy or not.
func TestRefuseUnsafeHost(t *testing.T) {
	for host, refused := range map[string]bool{
		"169.254.169.254": true, "[fd00:ec2::254]": true, "fd00:ec2::254": true,
		"crm.example.com": false, "127.0.0.1": false, "[::1]": false,
	} {
		if got := errors.Is(refuseUnsafeHost(host), errLookupRefused); got != refused {
			t.Errorf("%s: refused %t, want %t", host, got, refused)
		}
	}
}

// The guarded transport's dialer checks the address it connects to: a
// metadata address is refused before the connection is attempted, a
// loopback one connects.
func TestGuardedTransportDials(t *testing.T) {
	g := guardClient(&http.Client{}).Transport.(*http.Transport)
	if _, err := g.DialContext(context.Background(), "tcp", "169.254.169.254:80"); !errors.Is(err, errLookupRefused) {
		t.Errorf("dialling the metadata address: %v, want refused", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	conn, err := g.DialContext(context.Background(), "tcp", ln.Addr().String())
	if err != nil {
		t.Fatalf("dialling loopback: %v", err)
	}
	conn.Close()
}

// A client an embedder gives keeps its own settings; the engine guards a
// copy.
func TestGuardClientCopies(t *testing.T) {
	tr := &http.Transport{MaxIdleConnsPerHost: 7}
	c := &http.Client{Transport: tr}
	g := guardClient(c)
	if c.CheckRedirect != nil || c.Transport != tr || tr.DialContext != nil {
		t.Error("the embedder's client was changed")
	}
	gt, ok := g.Transport.(*http.Transport)
	if !ok || gt == tr || gt.MaxIdleConnsPerHost != 7 || gt.DialContext == nil || g.CheckRedirect == nil {
		t.Errorf("the guarded copy %+v lost the settings or the guard", g)
	}
}

// A transport with a dialer of its own keeps it, and what it connects to
// is checked once connected.
func TestGuardedTransportKeepsItsDialer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var used int
	dial := func(ctx context.Context, network, _ string) (net.Conn, error) {
		used++
		var d net.Dialer
		return d.DialContext(ctx, network, ln.Addr().String())
	}
	g := guardClient(&http.Client{Transport: &http.Transport{DialContext: dial, DialTLSContext: dial}}).Transport.(*http.Transport)
	for _, dial := range []dialFunc{g.DialContext, g.DialTLSContext} {
		conn, err := dial(context.Background(), "tcp", "crm.test:80")
		if err != nil {
			t.Fatalf("dialling through the embedder's dialer: %v", err)
		}
		conn.Close()
	}
	if used != 2 {
		t.Errorf("the embedder's dialer was used %d times, want 2", used)
	}
}

// remoteConn is a connection that says it is connected to remote.
type remoteConn struct {
	net.Conn
	remote net.Addr
}

func (c remoteConn) RemoteAddr() net.Addr { return c.remote }

// A connection an embedder's dialer made to a metadata address (a name
// that resolved to one) is refused and closed.
func TestGuardedTransportChecksItsDialersConnections(t *testing.T) {
	var closed []net.Conn
	dial := func(context.Context, string, string) (net.Conn, error) {
		a, b := net.Pipe()
		closed = append(closed, b)
		return remoteConn{a, &net.TCPAddr{IP: net.ParseIP("169.254.169.254"), Port: 80}}, nil
	}
	g := guardClient(&http.Client{Transport: &http.Transport{DialContext: dial}}).Transport.(*http.Transport)
	if _, err := g.DialContext(context.Background(), "tcp", "rebound.test:80"); !errors.Is(err, errLookupRefused) {
		t.Fatalf("got %v, want refused", err)
	}
	// The guard closed its end: the other end reads EOF at once.
	if _, err := closed[0].Read(make([]byte, 1)); err == nil {
		t.Error("the refused connection was left open")
	}
}
