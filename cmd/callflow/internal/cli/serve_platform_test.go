package cli

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"
)

// --allow-on and --budget take any declared platform by name; others are
// refused naming the platforms there are.
func TestServePlatformFlags(t *testing.T) {
	c := &serveCmd{TencentBudget: 3 * time.Second, AllowOn: []string{"8x8=10.0.0.0/8,192.0.2.7"}, Budget: []string{"8x8=6s"}}
	a, err := c.auth()
	if err != nil {
		t.Fatal(err)
	}
	want := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.7/32")}
	if got := a.AllowRoute["8x8"]; !slices.Equal(got, want) {
		t.Errorf("--allow-on 8x8: %v, want %v", got, want)
	}
	b, err := c.budgets()
	if err != nil || b["8x8"] != 6*time.Second || b["tencent"] != 3*time.Second {
		t.Errorf("budgets = %v, %v", b, err)
	}
	if got := serveMaxBudget(map[string]time.Duration{"callbot": 25 * time.Second}); got != 25*time.Second {
		t.Errorf("the write timeout's budget = %s, want the configured 25s", got)
	}

	for _, tt := range []struct {
		c    serveCmd
		want string
	}{
		{serveCmd{Budget: []string{"nosuch=1s"}}, `no platform "nosuch"; the platforms are tencent, 8x8`},
		{serveCmd{Budget: []string{"8x8=9s"}}, "at most 8s"},
		{serveCmd{Budget: []string{"8x8"}}, "write 8x8=D"},
		{serveCmd{AllowOn: []string{"nosuch=10.0.0.0/8"}}, `no platform "nosuch"`},
		{serveCmd{AllowOn: []string{"8x8=bogus"}}, "neither a CIDR"},
	} {
		_, err := tt.c.budgets()
		if err == nil {
			_, err = tt.c.auth()
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: %v, want an error saying %q", tt.c, err, tt.want)
		}
	}
}
