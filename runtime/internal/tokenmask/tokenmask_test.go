package tokenmask

import "testing"

func TestMask(t *testing.T) {
	const tok = "AcDu7MoG.x-Y_z"
	for _, tc := range []struct{ name, in, want string }{
		{"an 8x8 clientActionId", `{"clientActionId":"` + tok + `","callflow":[]}`, `{"clientActionId":"` + Text + `","callflow":[]}`},
		{"a jambonz actionHook keeps its path", `[{"actionHook":"/hooks/jambonz?after=59f4&resume=` + tok + `"}]`, `[{"actionHook":"/hooks/jambonz?` + Text + `"}]`},
		{"a vonage eventUrl list", `{"eventUrl":["https://h.example/hooks/vonage?resume=` + tok + `&seq=1"]}`, `{"eventUrl":["https://h.example/hooks/vonage?` + Text + `"]}`},
		{"a Twilio attribute and element text", `<Record action="?resume=` + tok + `.n1"></Record><Redirect method="POST">?resume=` + tok + `.n1</Redirect>`,
			`<Record action="?` + Text + `"></Record><Redirect method="POST">?` + Text + `</Redirect>`},
		{"other strings are kept", `{"text":"Press 1.","eventUrl":["/x?resume=other"]}`, `{"text":"Press 1.","eventUrl":["/x?resume=other"]}`},
		{"an escaped quote does not end a string", `{"text":"say \"` + tok + `\""}`, `{"text":"` + Text + `"}`},
	} {
		if got := string(Mask([]byte(tc.in), tok)); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
	}
	if got := string(Mask([]byte(`{"a":"b"}`), "")); got != `{"a":"b"}` {
		t.Errorf("no token: %s", got)
	}
}
