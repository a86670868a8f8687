package twilio

import (
	"strings"
	"testing"
	"time"

	"github.com/callflow/callflow/runtime/platform"
)

func gatherReply(t *testing.T, c platform.Capture) []byte {
	t.Helper()
	r, err := New().Render(nil, &platform.Response{Actions: []platform.Action{c}, Resume: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	return r.Body
}

func TestPress(t *testing.T) {
	one := gatherReply(t, platform.Capture{Prompt: "Press 1.", MaxDigits: 1, Timeout: 5 * time.Second})
	hash := gatherReply(t, platform.Capture{Prompt: "Then hash.", End: "#", MaxDigits: 6})
	tests := []struct {
		name   string
		reply  []byte
		keys   string
		digits string // "-" is nil
		err    string
	}{
		{"one key", one, "1", "1", ""},
		{"star is a digit", one, "*", "*", ""},
		{"nothing", one, "", "-", ""},
		{"the end key ends entry", hash, "123#", "123", ""},
		{"only the end key", hash, "#", "-", ""},
		{"numDigits ends entry", hash, "123456", "123456", ""},
		{"keys after numDigits", one, "12", "", `"2" comes after it`},
		{"keys after the end key", hash, "12#3", "", `"3" comes after it`},
		{"no such key", one, "a", "", "not a key"},
		{"no Gather", []byte("<Response><Hangup/></Response>"), "1", "", "asks for no digits"},
		{"not TwiML", []byte("{}"), "1", "", "not TwiML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := New().Press(tt.reply, 0, tt.keys)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("err %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || !e.Post {
				t.Fatalf("%+v %v: Twilio always posts", e, err)
			}
			if got := "-"; e.Digits != nil {
				got = *e.Digits
				if got != tt.digits {
					t.Errorf("Digits %q, want %q", got, tt.digits)
				}
			} else if tt.digits != "-" {
				t.Errorf("Digits nil, want %q", tt.digits)
			}
		})
	}
}
