package server_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"math"
	"testing"
	"time"

	"github.com/callflow/callflow/runtime/server"
)

// durationText is serve's ReplaceAttr: durations as Go duration strings.
func durationText(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindDuration {
		a.Value = slog.StringValue(a.Value.Duration().String())
	}
	return a
}

// logBoth logs the same record through server.NewJSONHandler and
// slog.NewJSONHandler with the same options and returns both outputs.
func logBoth(opts *slog.HandlerOptions, with []slog.Attr, group string, r slog.Record) (fast, std string) {
	var a, b bytes.Buffer
	ha, hb := server.NewJSONHandler(&a, opts), slog.Handler(slog.NewJSONHandler(&b, opts))
	if with != nil {
		ha, hb = ha.WithAttrs(with), hb.WithAttrs(with)
	}
	if group != "" {
		ha, hb = ha.WithGroup(group), hb.WithGroup(group)
	}
	if ha.Enabled(context.Background(), r.Level) {
		ha.Handle(context.Background(), r.Clone())
	}
	if hb.Enabled(context.Background(), r.Level) {
		hb.Handle(context.Background(), r.Clone())
	}
	return a.String(), b.String()
}

var logAt = time.Date(2026, 11, 21, 1, 31, 55, 244_000_000, time.UTC)

// webhookRecord is the line logHook writes for a webhook.
func webhookRecord(level slog.Level, session, caller, errText string, ms float64) slog.Record {
	r := slog.NewRecord(logAt, level, "webhook", 0)
	r.AddAttrs(slog.String("platform", "8x8"), slog.String("flow", "support"), slog.String("version", "07a9577b131f"),
		slog.String("session", session), slog.String("caller", caller), slog.String("callee", "+******5678"),
		slog.String("rule", ""), slog.String("handler", "menu"), slog.String("outcome", "answered"),
		slog.Int("status", 200), slog.Float64("duration_ms", ms))
	if errText != "" {
		r.AddAttrs(slog.String("error", errText))
	}
	return r
}

// TestJSONHandlerWritesWhatSlogWrites: for the records the server and the
// engine log, and for the ones the fast path leaves to slog, the handler
// writes slog.NewJSONHandler's bytes.
func TestJSONHandlerWritesWhatSlogWrites(t *testing.T) {
	component := []slog.Attr{slog.String("component", "http")}
	withDur := &slog.HandlerOptions{ReplaceAttr: durationText}
	dropTime := &slog.HandlerOptions{ReplaceAttr: func(g []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey && len(g) == 0 {
			return slog.Attr{}
		}
		return a
	}}
	lookupFailed := slog.NewRecord(logAt, slog.LevelWarn, "lookup failed, used its else value", 0)
	lookupFailed.AddAttrs(slog.String("flow", "reception"), slog.String("url", "https://crm.example.com/customers/+*********8888?pin=…"),
		slog.String("cause", "HTTP 503 <&> \"quoted\"\n\t\x01 \u2028 \xff é 你好"), slog.Duration("took", 41250*time.Microsecond))
	mixed := slog.NewRecord(time.Time{}, slog.LevelDebug+1, "odd <values>", 0)
	mixed.AddAttrs(slog.Int64("i", math.MinInt64), slog.Uint64("u", math.MaxUint64), slog.Bool("b", true),
		slog.Float64("tiny", 1e-7), slog.Float64("huge", 1e21), slog.Float64("neg", -0.5), slog.Float64("zero", 0),
		slog.Time("at", logAt.In(time.FixedZone("+08", 8*3600))))
	leftToSlog := slog.NewRecord(logAt, slog.LevelError, "panic answering a webhook", 0)
	leftToSlog.AddAttrs(slog.String("platform", "tencent"), slog.Any("error", errors.New("boom")),
		slog.Group("g", slog.Int("n", 1)), slog.Float64("nan", math.NaN()), slog.Any("list", []int{1, 2}))
	for _, c := range []struct {
		name  string
		opts  *slog.HandlerOptions
		with  []slog.Attr
		group string
		r     slog.Record
	}{
		{"webhook", withDur, component, "", webhookRecord(slog.LevelInfo, "a4fad4b3-b388", "+*******4567", "", 0.41)},
		{"webhook, no options", nil, component, "", webhookRecord(slog.LevelWarn, "s", "+1", "support.flow:21:5: runtime error", 1234.567)},
		{"lookup failed", withDur, []slog.Attr{slog.String("component", "engine")}, "", lookupFailed},
		{"lookup failed, durations as numbers", nil, nil, "", lookupFailed},
		{"kinds", nil, nil, "", mixed},
		{"kinds, with ReplaceAttr", withDur, component, "", mixed},
		{"no time", dropTime, component, "", webhookRecord(slog.LevelInfo, "s", "c", "", 2)},
		{"left to slog", withDur, component, "", leftToSlog},
		{"a group", withDur, component, "req", webhookRecord(slog.LevelInfo, "s", "c", "", 3)},
		{"below the level", &slog.HandlerOptions{Level: slog.LevelWarn}, nil, "", webhookRecord(slog.LevelInfo, "s", "c", "", 3)},
		{"source", &slog.HandlerOptions{AddSource: true}, nil, "", webhookRecord(slog.LevelInfo, "s", "c", "", 3)},
	} {
		fast, std := logBoth(c.opts, c.with, c.group, c.r)
		if fast != std {
			t.Errorf("%s:\nfast %s\nslog %s", c.name, fast, std)
		}
	}
}

// FuzzJSONHandler: any text, number and duration in a webhook line is
// written as slog.NewJSONHandler writes it.
func FuzzJSONHandler(f *testing.F) {
	f.Add("webhook", "+8613166668888", "HTTP 503 <&>\n", 0.41, int64(-3), int64(41250000), 0)
	f.Add("\xff\u2028\x00\"\\", "", "é", 1e-7, int64(math.MaxInt64), int64(-1), 4)
	f.Fuzz(func(t *testing.T, msg, s, key string, x float64, n, d int64, level int) {
		r := slog.NewRecord(logAt.Add(time.Duration(n)), slog.Level(level), msg, 0)
		r.AddAttrs(slog.String("s", s), slog.String(key, s), slog.Float64("x", x), slog.Int64("n", n), slog.Duration("d", time.Duration(d)))
		for _, opts := range []*slog.HandlerOptions{nil, {ReplaceAttr: durationText, Level: slog.LevelDebug - 8}} {
			fast, std := logBoth(opts, []slog.Attr{slog.String("component", key)}, "", r)
			if fast != std {
				t.Fatalf("fast %s\nslog %s", fast, std)
			}
		}
	})
}

// BenchmarkWebhookLogLine is the per-webhook log line as serve writes it
// (JSON, durations as text, component=http) through slog.NewJSONHandler
// and through server.NewJSONHandler, alternated line by line in one run;
// read slog-ns/line, fast-ns/line and ratio (allocations are both sides').
func BenchmarkWebhookLogLine(b *testing.B) {
	opts := &slog.HandlerOptions{ReplaceAttr: durationText}
	std := slog.New(slog.NewJSONHandler(io.Discard, opts)).With("component", "http")
	fast := slog.New(server.NewJSONHandler(io.Discard, opts)).With("component", "http")
	ctx := context.Background()
	line := func(log *slog.Logger) {
		log.LogAttrs(ctx, slog.LevelInfo, "webhook", slog.String("platform", "tencent"), slog.String("flow", "reception"),
			slog.String("version", "07a9577b131f"), slog.String("session", "bench-00000001"), slog.String("caller", "+*********8888"),
			slog.String("callee", "+*********8888"), slog.String("rule", "reception.flow:14:1"), slog.String("handler", "mainland"),
			slog.String("outcome", "answered"), slog.Int("status", 200), slog.Float64("duration_ms", 0.041))
	}
	var tStd, tFast time.Duration
	b.ReportAllocs()
	for b.Loop() {
		t0 := time.Now()
		line(std)
		t1 := time.Now()
		line(fast)
		t2 := time.Now()
		tStd, tFast = tStd+t1.Sub(t0), tFast+t2.Sub(t1)
	}
	b.ReportMetric(float64(tStd.Nanoseconds())/float64(b.N), "slog-ns/line")
	b.ReportMetric(float64(tFast.Nanoseconds())/float64(b.N), "fast-ns/line")
	b.ReportMetric(float64(tFast)/float64(tStd), "ratio")
}

// BenchmarkWebhookLogLineAllocs is the fast handler's line alone, for its
// allocations (the one left is slog.Record's, for attributes past five).
func BenchmarkWebhookLogLineAllocs(b *testing.B) {
	for _, h := range []struct {
		name string
		new  func(io.Writer, *slog.HandlerOptions) slog.Handler
	}{
		{"slog", func(w io.Writer, o *slog.HandlerOptions) slog.Handler { return slog.NewJSONHandler(w, o) }},
		{"fast", server.NewJSONHandler},
	} {
		b.Run(h.name, func(b *testing.B) {
			log := slog.New(h.new(io.Discard, &slog.HandlerOptions{ReplaceAttr: durationText})).With("component", "http")
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				log.LogAttrs(ctx, slog.LevelInfo, "webhook", slog.String("platform", "tencent"), slog.String("flow", "reception"),
					slog.String("version", "07a9577b131f"), slog.String("session", "bench-00000001"), slog.String("caller", "+*********8888"),
					slog.String("callee", "+*********8888"), slog.String("rule", "reception.flow:14:1"), slog.String("handler", "mainland"),
					slog.String("outcome", "answered"), slog.Int("status", 200), slog.Float64("duration_ms", 0.041))
			}
		})
	}
}
