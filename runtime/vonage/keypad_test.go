package vonage

import (
	"strings"
	"testing"

	"github.com/callflow/callflow/runtime/platform"
)

func TestPress(t *testing.T) {
	hash := []byte(`[{"action":"talk","text":"PIN?"},{"action":"input","type":["dtmf"],"dtmf":{"maxDigits":4,"timeOut":5,"submitOnHash":true},"eventUrl":["/hooks/vonage?resume=T"],"eventMethod":"POST"}]`)
	four := []byte(`[{"action":"input","type":["dtmf"],"dtmf":{"maxDigits":4,"timeOut":5,"submitOnHash":false},"eventUrl":["/hooks/vonage?resume=T"],"eventMethod":"POST"}]`)
	tests := []struct {
		reply      []byte
		keys, want string // want: the digits posted, or "error: …"
	}{
		{hash, "1234#", "1234"},
		{hash, "12#", "12"},
		{hash, "12", "12"}, // timed out, posted as entered
		{hash, "", ""},
		{hash, "12#3", "error: keys after \"12#\" are never collected"},
		{hash, "12345", "error: press at most 4"},
		{four, "1234", "1234"},
		{four, "1#", "1#"}, // # is a key like another without submitOnHash
		{four, "12345", "error: press at most 4"},
		{four, "12a", "error: 'a' is not a key"},
		{[]byte(`[{"action":"talk","text":"Bye."}]`), "1", "error: ends with \"talk\", not an input"},
		{[]byte(`[]`), "1", "error: empty NCCO"},
		{[]byte(`{}`), "1", "error: not an NCCO"},
	}
	for _, tt := range tests {
		e, err := New().Press(tt.reply, 0, tt.keys)
		switch {
		case strings.HasPrefix(tt.want, "error: "):
			if err == nil || !strings.Contains(err.Error(), strings.TrimPrefix(tt.want, "error: ")) {
				t.Errorf("Press(%q) = %v, want an error with %q", tt.keys, err, tt.want)
			}
		case err != nil:
			t.Errorf("Press(%q): %v", tt.keys, err)
		case !e.Post || e.Digits == nil || *e.Digits != tt.want:
			t.Errorf("Press(%q) = %+v, want %q posted", tt.keys, e, tt.want)
		}
	}
	var _ platform.Keypad = New()
}
