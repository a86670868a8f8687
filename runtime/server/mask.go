package server

import (
	"context"
	"log/slog"
	"strings"
)

// maskNumbers masks two phone numbers, in one allocation, when masking
// is on.
func (s *Server) maskNumbers(a, b string) (string, string) {
	if !s.mask {
		return a, b
	}
	return maskNumberPair(a, b)
}

// maskText masks the phone numbers in a message when masking is on.
func (s *Server) maskText(t string) string {
	if !s.mask {
		return t
	}
	return MaskNumbers(t)
}

// MaskNumber hides every digit of a phone number but the last four:
// "+6512345678" becomes "+******5678". Other characters stay, so the shape
// of the number is still visible.
func MaskNumber(n string) string {
	hide := hiddenDigits(n)
	if hide == 0 {
		return n
	}
	var scratch [64]byte // most numbers fit: the masked number is then one allocation, the string
	return string(appendMasked(scratch[:0], n, hide))
}

// maskNumberPair is MaskNumber of a and of b in one allocation (the log
// line of a webhook masks its caller and its callee): both are slices of
// one string.
func maskNumberPair(a, b string) (string, string) {
	ha, hb := hiddenDigits(a), hiddenDigits(b)
	switch {
	case ha == 0 && hb == 0:
		return a, b
	case ha == 0:
		return a, MaskNumber(b)
	case hb == 0:
		return MaskNumber(a), b
	}
	var scratch [64]byte
	s := string(appendMasked(appendMasked(scratch[:0], a, ha), b, hb))
	return s[:len(a)], s[len(a):]
}

// hiddenDigits is how many digits of n MaskNumber hides: all but the last
// four, none when it has four or fewer.
func hiddenDigits(n string) int {
	digits := 0
	for i := 0; i < len(n); i++ {
		if n[i] >= '0' && n[i] <= '9' {
			digits++
		}
	}
	return max(0, digits-4)
}

// appendMasked appends n to b with its first hide digits replaced by '*'.
func appendMasked(b []byte, n string, hide int) []byte {
	for i := 0; i < len(n); i++ {
		c := n[i]
		if hide > 0 && c >= '0' && c <= '9' {
			c = '*'
			hide--
		}
		b = append(b, c)
	}
	return b
}

// minPhoneDigits is the shortest run of digits MaskNumbers takes for a
// phone number: short enough for national numbers, long enough to leave
// .flow positions (file:12:3), status codes and durations alone.
const minPhoneDigits = 7

// MaskNumbers masks every phone number in free text (an error message): each
// run of at least seven digits, with an optional leading +, keeps its last
// four digits.
func MaskNumbers(t string) string {
	var b *strings.Builder
	last := 0
	for i := 0; i < len(t); {
		if t[i] < '0' || t[i] > '9' {
			i++
			continue
		}
		j := i
		for j < len(t) && t[j] >= '0' && t[j] <= '9' {
			j++
		}
		if j-i >= minPhoneDigits {
			if b == nil {
				b = &strings.Builder{}
				b.Grow(len(t))
			}
			b.WriteString(t[last:i])
			b.WriteString(strings.Repeat("*", j-i-4))
			b.WriteString(t[j-4 : j])
			last = j
		}
		i = j
	}
	if b == nil {
		return t
	}
	b.WriteString(t[last:])
	return b.String()
}

// MaskingHandler wraps a slog.Handler so that phone numbers in the message
// and in every string attribute are masked (MaskNumbers). Give it to the
// engine's logger, whose lines may quote a caller's number.
func MaskingHandler(h slog.Handler) slog.Handler { return maskingHandler{h} }

type maskingHandler struct{ h slog.Handler }

func (m maskingHandler) Enabled(ctx context.Context, l slog.Level) bool { return m.h.Enabled(ctx, l) }

func (m maskingHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, MaskNumbers(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(maskAttr(a))
		return true
	})
	return m.h.Handle(ctx, out)
}

func (m maskingHandler) WithAttrs(as []slog.Attr) slog.Handler {
	masked := make([]slog.Attr, len(as))
	for i, a := range as {
		masked[i] = maskAttr(a)
	}
	return maskingHandler{m.h.WithAttrs(masked)}
}

func (m maskingHandler) WithGroup(name string) slog.Handler {
	return maskingHandler{m.h.WithGroup(name)}
}

func maskAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, MaskNumbers(v.String()))
	case slog.KindGroup:
		g := v.Group()
		out := make([]slog.Attr, len(g))
		for i, x := range g {
			out[i] = maskAttr(x)
		}
		return slog.Attr{Key: a.Key, Value: slog.GroupValue(out...)}
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return slog.String(a.Key, MaskNumbers(err.Error()))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}
