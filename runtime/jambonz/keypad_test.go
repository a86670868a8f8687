package jambonz

import (
	"strings"
	"testing"
)

func TestPress(t *testing.T) {
	exact := []byte(`[{"verb":"say","text":"Hi"},{"verb":"gather","input":["digits"],"numDigits":1,"actionHook":"/x"}]`)
	ranged := []byte(`[{"verb":"gather","input":["digits"],"minDigits":1,"maxDigits":4,"finishOnKey":"#","actionHook":"/x"}]`)
	cases := []struct {
		reply  []byte
		keys   string
		digits string // "<nil>" for a timeout
		err    string
	}{
		{exact, "1", "1", ""},
		{exact, "", "<nil>", ""},
		{exact, "12", "", `keys "2" come after the entry ended at 1 digits`},
		{ranged, "42#", "42", ""},
		{ranged, "4242", "4242", ""},
		{ranged, "#", "<nil>", ""},
		{ranged, "4#2", "", `keys "2" come after the entry ended on #`},
		{ranged, "42424", "", `keys "4" come after the entry ended at 4 digits`},
		{ranged, "4a", "", `a phone has no key "a"`},
		{[]byte(`[{"verb":"hangup"}]`), "1", "", "does not end with a gather"},
		{[]byte(`{}`), "1", "", "does not end with a gather"},
	}
	for _, tc := range cases {
		e, err := New().Press(tc.reply, 0, tc.keys)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s %q: %v, want %q", tc.reply, tc.keys, err, tc.err)
			}
			continue
		}
		if err != nil || !e.Post || show(e.Digits) != tc.digits {
			t.Errorf("%s %q: %+v %v, want digits %s posted", tc.reply, tc.keys, e, err, tc.digits)
		}
	}
}
