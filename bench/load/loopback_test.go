package load

import (
	"context"
	"strings"
	"testing"
)

// The load runs refuse every address that is not a loopback IP literal.
func TestLoopbackOnly(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:8080", "[::1]:8080", "127.0.0.2:1", "[::ffff:127.0.0.1]:80"} {
		if err := CheckLoopbackAddr(addr); err != nil {
			t.Errorf("CheckLoopbackAddr(%q) = %v, want nil", addr, err)
		}
	}
	for _, addr := range []string{"localhost:8080", "10.0.0.1:80", "0.0.0.0:80", "[::]:80", "example.com:443",
		"8.8.8.8:53", "[::ffff:8.8.8.8]:53", "[fe80::1%eth0]:80", "[2001:db8::1]:80", "127.0.0.1", ""} {
		if err := CheckLoopbackAddr(addr); err == nil {
			t.Errorf("CheckLoopbackAddr(%q) = nil, want a refusal", addr)
		}
	}
	for _, u := range []string{"https://127.0.0.1:443/", "http://user:pw@127.0.0.1:80/", "http://localhost:80/", "http://crm.example.com/customers", "http://127.0.0.1/"} {
		if err := CheckLoopbackURL(u); err == nil {
			t.Errorf("CheckLoopbackURL(%q) = nil, want a refusal", u)
		}
	}
	if err := CheckLoopbackURL("http://127.0.0.1:9/hooks/tencent"); err != nil {
		t.Errorf("CheckLoopbackURL of a loopback URL: %v", err)
	}
	// The dialer of the load client and of the engine's lookups refuses
	// before any packet leaves.
	if _, err := dialLoopback(context.Background(), "tcp", "192.0.2.1:80"); err == nil || !strings.Contains(err.Error(), "refusing") {
		t.Errorf("dialLoopback(192.0.2.1:80) = %v, want a refusal", err)
	}
	if _, _, err := receptionFlow(flowsDir, "http://192.0.2.1:80"); err == nil {
		t.Error("the reception flow's lookup was pointed at a non-loopback CRM")
	}
}
