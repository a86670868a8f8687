package token

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/callflow/callflow/runtime/platform"
)

var (
	secret  = []byte("0123456789abcdef0123456789abcdef")
	t0      = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	session = "a4fad4b3-b388-12ee-b217-2fb8260fcf59"
)

func signer(t testing.TB, key []byte) *Signer {
	t.Helper()
	s, err := NewSigner(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func sample() Token {
	return Token{
		Flow: "support", Version: "3f9a1c0d7e2b4a58", Handler: "order", PC: 17,
		Session: session, Expires: t0.Add(2 * time.Hour),
	}
}

func TestNewSignerShortSecret(t *testing.T) {
	if _, err := NewSigner(make([]byte, 15)); err == nil {
		t.Fatal("NewSigner accepted a 15-byte secret")
	}
	if _, err := NewSigner(make([]byte, 16)); err != nil {
		t.Fatalf("NewSigner(16 bytes): %v", err)
	}
}

func TestSecretIsCopied(t *testing.T) {
	key := append([]byte(nil), secret...)
	s := signer(t, key)
	tok := s.Encode(sample())
	key[0] ^= 1
	if _, err := s.Decode(tok, session, t0); err != nil {
		t.Fatalf("changing the caller's slice changed the signer: %v", err)
	}
}

func TestRoundTrip(t *testing.T) {
	s := signer(t, secret)
	cases := []Token{
		sample(),
		{Session: session}, // all empty, never expires
		{Flow: "f", Version: "v", Handler: "h", PC: 0},        // no session
		{Flow: "ünïcode", Version: "v", Handler: "h", PC: -3}, // negative pc survives
		{Flow: strings.Repeat("x", 300), Version: "v", Handler: "h", PC: 1 << 40, Session: session},
	}
	for _, want := range cases {
		got, err := s.Decode(s.Encode(want), want.Session, t0)
		if err != nil {
			t.Fatalf("Decode(Encode(%+v)): %v", want, err)
		}
		if !want.Expires.IsZero() {
			want.Expires = time.Unix(want.Expires.Unix(), 0)
		}
		if got != want {
			t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
		}
	}
}

func TestExpiryIsSeconds(t *testing.T) {
	s := signer(t, secret)
	tk := sample()
	tk.Expires = t0.Add(1500 * time.Millisecond)
	got, err := s.Decode(s.Encode(tk), session, t0)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Expires.Equal(t0.Add(time.Second)) {
		t.Errorf("Expires = %v, want %v (truncated to the second)", got.Expires, t0.Add(time.Second))
	}
}

func TestLength(t *testing.T) {
	s := signer(t, secret)
	tok := s.Encode(sample())
	t.Logf("typical token (%d chars): %s", len(tok), tok)
	if len(tok) >= 120 {
		t.Errorf("token is %d characters, want < 120", len(tok))
	}
	for _, c := range tok {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			t.Fatalf("token %q has %q, not base64url", tok, c)
		}
	}
}

func TestExpired(t *testing.T) {
	s := signer(t, secret)
	tk := sample()
	tok := s.Encode(tk)
	if _, err := s.Decode(tok, session, tk.Expires.Add(-time.Second)); err != nil {
		t.Fatalf("a second before expiry: %v", err)
	}
	for _, now := range []time.Time{tk.Expires, tk.Expires.Add(time.Hour)} {
		got, err := s.Decode(tok, session, now)
		if !errors.Is(err, ErrExpired) {
			t.Fatalf("at %v: err = %v, want ErrExpired", now, err)
		}
		if got.Flow != tk.Flow || got.PC != tk.PC {
			t.Errorf("an expired token should still be returned for logging, got %+v", got)
		}
	}
	old := sample()
	old.Expires = time.Unix(-5, 0)
	if _, err := s.Decode(s.Encode(old), session, t0); !errors.Is(err, ErrExpired) {
		t.Errorf("expiry before 1970: err = %v, want ErrExpired", err)
	}
}

func TestWrongSession(t *testing.T) {
	s := signer(t, secret)
	tok := s.Encode(sample())
	for _, other := range []string{"", "b4fad4b3-b388-12ee-b217-2fb8260fcf59", session + "x"} {
		if _, err := s.Decode(tok, other, t0); !errors.Is(err, ErrForged) {
			t.Errorf("session %q: err = %v, want ErrForged", other, err)
		}
	}
}

func TestWrongSecret(t *testing.T) {
	tok := signer(t, secret).Encode(sample())
	other := signer(t, []byte("another secret, 16+ bytes long"))
	if _, err := other.Decode(tok, session, t0); !errors.Is(err, ErrForged) {
		t.Errorf("err = %v, want ErrForged", err)
	}
}

// TestTamper flips every bit of every byte of the decoded token, and
// replaces every character of the encoded one: nothing may be accepted.
func TestTamper(t *testing.T) {
	s := signer(t, secret)
	tok := s.Encode(sample())
	raw, err := enc.DecodeString(tok)
	if err != nil {
		t.Fatal(err)
	}
	check := func(what, bad string) {
		t.Helper()
		_, err := s.Decode(bad, session, t0)
		if !errors.Is(err, ErrForged) && !errors.Is(err, ErrMalformed) {
			t.Fatalf("%s: err = %v, want ErrForged or ErrMalformed", what, err)
		}
	}
	for i := range raw {
		for bit := range 8 {
			b := append([]byte(nil), raw...)
			b[i] ^= 1 << bit
			check("bit flip", enc.EncodeToString(b))
		}
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for i := range tok {
		for _, c := range alphabet {
			if byte(c) == tok[i] {
				continue
			}
			check("char swap", tok[:i]+string(c)+tok[i+1:])
		}
	}
	for n := range len(tok) {
		check("truncated", tok[:n])
	}
	check("extended", tok+"A")
	check("extended", tok+"AA")
}

func TestMalformed(t *testing.T) {
	s := signer(t, secret)
	for _, bad := range []string{"", "ivr1_level1", "!!!!", "a", "AQ", strings.Repeat("A", 2000), "menu main"} {
		if _, err := s.Decode(bad, session, t0); !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrForged) {
			t.Errorf("Decode(%q) = %v, want ErrMalformed or ErrForged", bad, err)
		}
	}
	if _, err := s.Decode("ivr1_level1", session, t0); !errors.Is(err, ErrMalformed) {
		t.Errorf("a plain clientActionId: %v, want ErrMalformed", err)
	}
}

func TestParsePayloadRejectsTrailing(t *testing.T) {
	b := appendPayload(nil, sample())
	if _, ok := parsePayload(b); !ok {
		t.Fatal("parsePayload rejected a payload appendPayload wrote")
	}
	if _, ok := parsePayload(append(b, 0)); ok {
		t.Error("parsePayload accepted a trailing byte")
	}
	if _, ok := parsePayload(b[:len(b)-1]); ok {
		t.Error("parsePayload accepted a truncated payload")
	}
}

// seeds are the clientActionIds of the sample webhooks in testdata.
func seeds(t testing.TB) []string {
	files, err := filepath.Glob("../../testdata/webhooks/8x8/*.json")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var w struct {
			Payload struct {
				ClientActionID string `json:"clientActionId"`
			} `json:"payload"`
		}
		if json.Unmarshal(data, &w) == nil && w.Payload.ClientActionID != "" {
			out = append(out, w.Payload.ClientActionID)
		}
	}
	return out
}

func FuzzTokenDecode(f *testing.F) {
	s := signer(f, secret)
	f.Add(s.Encode(sample()), session)
	f.Add(s.Encode(Token{}), "")
	f.Add("ivr1_level1", session)
	for _, id := range seeds(f) {
		f.Add(id, session)
	}
	f.Fuzz(func(t *testing.T, str, sess string) {
		tk, err := s.Decode(str, sess, t0)
		if err == nil || errors.Is(err, ErrExpired) {
			if tk.Session != sess {
				t.Fatalf("Session = %q, want %q", tk.Session, sess)
			}
			if again := s.Encode(tk); err == nil && again != str {
				t.Fatalf("accepted %q, which re-encodes as %q", str, again)
			}
		} else if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrForged) {
			t.Fatalf("unexpected error %v", err)
		}
		// The MAC keeps the fuzzer away from the parser; exercise it directly.
		raw, derr := enc.DecodeString(str)
		if derr != nil {
			raw = []byte(str)
		}
		if p, ok := parsePayload(raw); ok {
			if got, ok := parsePayload(appendPayload(nil, p)); !ok || got != p {
				t.Fatalf("payload %x parses as %+v, which does not round trip", raw, p)
			}
		}
	})
}

// TestTestdataTokens checks that the clientActionIds of the sample webhooks
// are tokens signed with the test secret for their sessions.
func TestTestdataTokens(t *testing.T) {
	s := signer(t, secret)
	files, err := filepath.Glob("../../testdata/webhooks/8x8/*.json")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var w struct {
			Payload struct {
				SessionID      string `json:"sessionId"`
				ClientActionID string `json:"clientActionId"`
			} `json:"payload"`
		}
		if err := json.Unmarshal(data, &w); err != nil || w.Payload.ClientActionID == "" {
			continue
		}
		n++
		tk, err := s.Decode(w.Payload.ClientActionID, w.Payload.SessionID, t0)
		if err != nil {
			t.Errorf("%s: %v", f, err)
		} else if tk.Flow != "support" || tk.Handler != "menu" || tk.PC != 3 {
			t.Errorf("%s: token %+v", f, tk)
		}
	}
	if n == 0 {
		t.Error("no sample webhook carries a token")
	}
}

// The runtime refuses ids longer than platform.MaxID, the resume token it
// gets back as clientActionId included: a token for long flow and handler
// names (144 bytes together) and a large instruction must still fit.
func TestLongNamesFitMaxID(t *testing.T) {
	s := signer(t, secret)
	tk := sample()
	tk.Flow, tk.Handler, tk.PC = strings.Repeat("f", 72), strings.Repeat("h", 72), 8000
	tk.Version = strings.Repeat("v", 16)
	if tok := s.Encode(tk); len(tok) > platform.MaxID {
		t.Errorf("token for 144 bytes of names is %d characters, over platform.MaxID (%d)", len(tok), platform.MaxID)
	}
}
