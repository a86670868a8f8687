package suggest

import "testing"

func TestNearest(t *testing.T) {
	cands := []string{"support_desk", "menu", "order", "closed", "say", "makeCall", "hangup"}
	for _, tc := range []struct{ name, want string }{
		{"suport_desk", "support_desk"},
		{"menuu", "menu"},
		{"sya", "say"},
		{"makecall", "makeCall"},
		{"hnagup", "hangup"},
		{"xyz", ""},
		{"menu", ""}, // an exact match is not a suggestion
	} {
		if got := Nearest(tc.name, cands); got != tc.want {
			t.Errorf("Nearest(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{{"", "", 0}, {"abc", "abc", 0}, {"abc", "acb", 1}, {"kitten", "sitting", 3}, {"Tên", "tên", 0}} {
		if got := Distance(tc.a, tc.b); got != tc.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
