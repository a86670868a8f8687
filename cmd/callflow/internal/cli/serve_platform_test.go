package cli

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
)

// --allow-on takes any declared platform by name; others are refused
// naming the platforms there are.
func TestServePlatformFlags(t *testing.T) {
	c := &serveCmd{AllowOn: []string{"8x8=10.0.0.0/8,192.0.2.7"}}
	a, err := c.auth()
	if err != nil {
		t.Fatal(err)
	}
	want := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.7/32")}
	if got := a.AllowRoute["8x8"]; !slices.Equal(got, want) {
		t.Errorf("--allow-on 8x8: %v, want %v", got, want)
	}

	for _, tt := range []struct {
		c    serveCmd
		want string
	}{
		{serveCmd{AllowOn: []string{"nosuch=10.0.0.0/8"}}, `no platform "nosuch"; the platforms are tencent, 8x8`},
		{serveCmd{AllowOn: []string{"8x8=bogus"}}, "neither a CIDR"},
	} {
		_, err := tt.c.auth()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: %v, want an error saying %q", tt.c, err, tt.want)
		}
	}
}
