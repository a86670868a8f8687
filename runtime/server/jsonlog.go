package server

import (
	"context"
	"io"
	"log/slog"
	"math"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"
)

// NewJSONHandler returns a slog.Handler that writes what
// slog.NewJSONHandler(w, opts) writes, byte for byte, at a fraction of its
// cost for the records a server logs: one line per webhook, of strings,
// numbers, booleans and durations. Each record is appended to a pooled
// buffer and written with one Write. Anything else (a group, an attribute
// of another kind, a non-finite float, AddSource) is handed to
// slog.NewJSONHandler on the same writer, under the same lock, so the
// output is always the standard handler's.
func NewJSONHandler(w io.Writer, opts *slog.HandlerOptions) slog.Handler {
	if opts == nil {
		opts = &slog.HandlerOptions{}
	}
	out := &lockedWriter{w: w}
	return &jsonHandler{out: out, opts: *opts, slow: slog.NewJSONHandler(out, opts), fast: !opts.AddSource}
}

// lockedWriter serializes the writes of the fast and the standard handler.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

type jsonHandler struct {
	out  *lockedWriter
	opts slog.HandlerOptions
	slow slog.Handler // the standard handler, with the same attributes and groups
	pre  []byte       // WithAttrs' attributes, encoded, each after a comma
	fast bool         // false once a group or an attribute the fast path does not take is in play
}

func (h *jsonHandler) Enabled(ctx context.Context, l slog.Level) bool { return h.slow.Enabled(ctx, l) }

func (h *jsonHandler) WithAttrs(as []slog.Attr) slog.Handler {
	h2 := *h
	h2.slow = h.slow.WithAttrs(as)
	if h.fast {
		e := jsonEncoder{buf: append([]byte(nil), h.pre...), rep: h.opts.ReplaceAttr, sep: true}
		for _, a := range as {
			if !e.attr(a) {
				h2.fast = false
				break
			}
		}
		h2.pre = e.buf
	}
	return &h2
}

func (h *jsonHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	h2 := *h
	h2.slow, h2.fast = h.slow.WithGroup(name), false
	return &h2
}

var jsonLogBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// maxPooledLogLine is the largest buffer kept for the next line.
const maxPooledLogLine = 16 << 10

func (h *jsonHandler) Handle(ctx context.Context, r slog.Record) error {
	if !h.fast {
		return h.slow.Handle(ctx, r)
	}
	bp := jsonLogBuffers.Get().(*[]byte)
	defer func() {
		if cap(*bp) <= maxPooledLogLine {
			jsonLogBuffers.Put(bp)
		}
	}()
	e := jsonEncoder{buf: (*bp)[:0], rep: h.opts.ReplaceAttr}
	ok := e.record(r, h.pre)
	*bp = e.buf
	if !ok {
		return h.slow.Handle(ctx, r)
	}
	_, err := h.out.Write(e.buf)
	return err
}

// jsonEncoder appends one record as slog's JSON handler formats it, or
// reports false when the standard handler must.
type jsonEncoder struct {
	buf []byte
	rep func([]string, slog.Attr) slog.Attr
	sep bool // a comma goes before the next key
}

func (e *jsonEncoder) record(r slog.Record, pre []byte) bool {
	e.buf = append(e.buf, '{')
	if !r.Time.IsZero() {
		t := r.Time.Round(0) // no monotonic reading, as slog
		if e.rep != nil {
			if !e.attr(slog.Time(slog.TimeKey, t)) {
				return false
			}
		} else if !e.key(slog.TimeKey).time(t) {
			return false
		}
	}
	if e.rep != nil {
		if !e.attr(slog.Any(slog.LevelKey, r.Level)) {
			return false
		}
	} else {
		e.key(slog.LevelKey).str(r.Level.String())
	}
	if e.rep != nil {
		if !e.attr(slog.String(slog.MessageKey, r.Message)) {
			return false
		}
	} else {
		e.key(slog.MessageKey).str(r.Message)
	}
	if len(pre) > 0 {
		if !e.sep {
			pre = pre[1:]
		}
		e.buf, e.sep = append(e.buf, pre...), true
	}
	ok := true
	r.Attrs(func(a slog.Attr) bool {
		ok = e.attr(a)
		return ok
	})
	e.buf = append(e.buf, '}', '\n')
	return ok
}

// attr appends a, after ReplaceAttr, as slog does, or reports false for a
// group, an empty key or a value of a kind left to the standard handler.
func (e *jsonEncoder) attr(a slog.Attr) bool {
	a.Value = a.Value.Resolve()
	if a.Value.Kind() == slog.KindGroup {
		return false
	}
	if e.rep != nil {
		a = e.rep(nil, a)
		a.Value = a.Value.Resolve()
	}
	if a.Key == "" {
		return false // maybe empty, maybe a group to inline: the standard handler decides
	}
	v := a.Value
	switch v.Kind() {
	case slog.KindString:
		e.key(a.Key).str(v.String())
	case slog.KindInt64:
		e.key(a.Key).buf = strconv.AppendInt(e.buf, v.Int64(), 10)
	case slog.KindUint64:
		e.key(a.Key).buf = strconv.AppendUint(e.buf, v.Uint64(), 10)
	case slog.KindBool:
		e.key(a.Key).buf = strconv.AppendBool(e.buf, v.Bool())
	case slog.KindDuration:
		e.key(a.Key).buf = strconv.AppendInt(e.buf, int64(v.Duration()), 10)
	case slog.KindFloat64:
		f := v.Float64()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return false // the standard handler writes its error
		}
		e.key(a.Key).float(f)
	case slog.KindTime:
		return e.key(a.Key).time(v.Time())
	case slog.KindAny:
		l, ok := v.Any().(slog.Level) // the level, through ReplaceAttr
		if !ok {
			return false
		}
		e.key(a.Key).str(l.String())
	default:
		return false
	}
	return true
}

func (e *jsonEncoder) key(k string) *jsonEncoder {
	if e.sep {
		e.buf = append(e.buf, ',')
	}
	e.str(k)
	e.buf = append(e.buf, ':')
	e.sep = true
	return e
}

// time appends t as slog's JSON handler does (RFC 3339 with nanoseconds),
// or reports false for a year it writes an error for.
func (e *jsonEncoder) time(t time.Time) bool {
	if y := t.Year(); y < 0 || y >= 10000 {
		return false
	}
	e.buf = append(e.buf, '"')
	e.buf = t.AppendFormat(e.buf, time.RFC3339Nano)
	e.buf = append(e.buf, '"')
	return true
}

// float appends f as encoding/json does, which slog's JSON handler calls.
func (e *jsonEncoder) float(f float64) {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	e.buf = strconv.AppendFloat(e.buf, f, format, -1, 64)
	if format == 'e' { // e-09 becomes e-9
		if n := len(e.buf); n >= 4 && e.buf[n-4] == 'e' && e.buf[n-3] == '-' && e.buf[n-2] == '0' {
			e.buf[n-2] = e.buf[n-1]
			e.buf = e.buf[:n-1]
		}
	}
}

const hexDigits = "0123456789abcdef"

// str appends s quoted as slog's JSON handler quotes it: encoding/json's
// escaping without HTML escapes; invalid UTF-8 becomes \ufffd, and U+2028
// and U+2029 are escaped.
func (e *jsonEncoder) str(s string) {
	b := append(e.buf, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= ' ' && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	e.buf = append(b, '"')
}
