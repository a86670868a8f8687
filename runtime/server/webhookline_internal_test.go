package server

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/platform"
)

// TestWebhookLineAsBefore: the webhook's log line, its caller and callee
// masked in one allocation (maskNumberPair), reads byte for byte as the
// line with each number masked on its own (MaskNumber), as it was built
// before, with masking on and off, for numbers that are masked, short,
// empty or written with separators, and an error to mask.
func TestWebhookLineAsBefore(t *testing.T) {
	numbers := []string{"+8613800138000", "+8675566668888", "1234", "", "+1 (555) 010-9999", "12345", "anonymous", "+٣٤٥٦٧٨٩"}
	for _, mask := range []bool{true, false} {
		for _, caller := range numbers {
			for _, callee := range numbers {
				ev := &platform.Event{Session: "s-1", Caller: caller, Callee: callee}
				h := &hook{platform: "tencent", outcome: "answered", status: 200, err: errors.New("lookup of +8613800138000 failed"),
					res: &runtime.Result{Flow: "reception", Version: "v1", Rule: "vip", Handler: "vip", Event: ev}}
				got := webhookLine(t, mask, func(s *Server) {
					s.logHook(httptest.NewRequest("POST", "/hooks/tencent", nil), h, 1500*time.Microsecond)
				})
				want := webhookLine(t, mask, func(s *Server) {
					number := func(n string) string {
						if mask {
							return MaskNumber(n)
						}
						return n
					}
					s.log.LogAttrs(t.Context(), slog.LevelInfo, "webhook", slog.String("platform", "tencent"),
						slog.String("flow", "reception"), slog.String("version", "v1"),
						slog.String("session", "s-1"), slog.String("caller", number(caller)), slog.String("callee", number(callee)),
						slog.String("rule", "vip"), slog.String("handler", "vip"),
						slog.String("outcome", "answered"), slog.Int("status", 200), slog.Float64("duration_ms", 1.5),
						slog.String("error", s.maskText(platform.Clip(h.err.Error()))))
				})
				if got != want {
					t.Errorf("mask=%v caller %q callee %q:\n got %s\nwant %s", mask, caller, callee, got, want)
				}
			}
		}
	}
}

// webhookLine is what log writes through a server's JSON log, without
// the time.
func webhookLine(t *testing.T, mask bool, log func(*Server)) string {
	t.Helper()
	var buf bytes.Buffer
	noTime := func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}
	s := &Server{log: slog.New(NewJSONHandler(&buf, &slog.HandlerOptions{ReplaceAttr: noTime})), mask: mask, metrics: NewMetrics()}
	log(s)
	return buf.String()
}

// TestMaskNumberPairAsMaskNumber: maskNumberPair masks each of its numbers
// as MaskNumber does.
func TestMaskNumberPairAsMaskNumber(t *testing.T) {
	numbers := []string{"", "1", "1234", "12345", "+8613800138000", "+1 (555) 010-9999", "00", "abc", "+٣٤٥٦٧٨٩", "+123456789012345678901234567890123456789012345678901234567890123456789"}
	for _, a := range numbers {
		for _, b := range numbers {
			checkMaskNumberPair(t, a, b)
		}
	}
}

func checkMaskNumberPair(t *testing.T, a, b string) {
	t.Helper()
	ga, gb := maskNumberPair(a, b)
	if wa, wb := referenceMaskNumber(a), referenceMaskNumber(b); ga != wa || gb != wb {
		t.Errorf("maskNumberPair(%q, %q) = %q, %q; want %q, %q", a, b, ga, gb, wa, wb)
	}
	if got, want := MaskNumber(a), referenceMaskNumber(a); got != want {
		t.Errorf("MaskNumber(%q) = %q, want %q", a, got, want)
	}
}

// FuzzMaskNumberPair: maskNumberPair and MaskNumber mask as the plain
// digit-by-digit masking they replace.
func FuzzMaskNumberPair(f *testing.F) {
	f.Add("+8613800138000", "+8675566668888")
	f.Add("1234", "+1 (555) 010-9999")
	f.Add("", "\xff12345")
	f.Fuzz(checkMaskNumberPair)
}

// referenceMaskNumber is MaskNumber as it was written before it appended
// into a scratch buffer: count the digits, then hide all but the last four.
func referenceMaskNumber(n string) string {
	digits := 0
	for i := 0; i < len(n); i++ {
		if n[i] >= '0' && n[i] <= '9' {
			digits++
		}
	}
	if digits <= 4 {
		return n
	}
	b := []byte(n)
	hide := digits - 4
	for i := 0; i < len(b) && hide > 0; i++ {
		if b[i] >= '0' && b[i] <= '9' {
			b[i] = '*'
			hide--
		}
	}
	return string(b)
}

// BenchmarkWebhookLine is one webhook's log line, masked, through the
// server's JSON log: what logHook costs a webhook besides its metrics.
func BenchmarkWebhookLine(b *testing.B) {
	s := &Server{log: slog.New(NewJSONHandler(io.Discard, nil)), mask: true, metrics: NewMetrics()}
	h := webhookLineHook()
	r := httptest.NewRequest("POST", "/hooks/tencent", nil)
	b.ReportAllocs()
	for b.Loop() {
		s.logHook(r, h, 1500*time.Microsecond)
	}
}

// TestWebhookLineAllocs: the masked log line of a webhook allocates twice,
// the masked caller and callee (one string) and the record's attributes
// past the five it holds inline.
func TestWebhookLineAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts mean nothing under the race detector")
	}
	s := &Server{log: slog.New(NewJSONHandler(io.Discard, nil)), mask: true, metrics: NewMetrics()}
	h := webhookLineHook()
	r := httptest.NewRequest("POST", "/hooks/tencent", nil)
	s.logHook(r, h, time.Millisecond) // the metrics' children, resolved once
	if n := testing.AllocsPerRun(100, func() { s.logHook(r, h, time.Millisecond) }); n != 2 {
		t.Errorf("the webhook's log line allocates %v times, want 2", n)
	}
}

// webhookLineHook is a tencent webhook answered by reception.flow.
func webhookLineHook() *hook {
	ev := &platform.Event{Session: "s-1", Caller: "+8613800138000", Callee: "+8675566668888"}
	return &hook{platform: "tencent", outcome: "answered", status: 200,
		res: &runtime.Result{Flow: "reception", Version: "v1", Rule: "vip", Handler: "vip", Event: ev}}
}
