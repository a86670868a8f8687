package dispatch

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// fakeClock is a Clock the test moves. After fires at once when auto is
// set; otherwise only when the clock is advanced past it. Every After is
// reported on waiting, when set.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	auto    bool
	waits   []time.Duration
	timers  []fakeTimer
	waiting chan time.Duration
}

type fakeTimer struct {
	at time.Time
	ch chan time.Time
}

func newFakeClock(auto bool) *fakeClock {
	return &fakeClock{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), auto: auto}
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeClock) After(d time.Duration) <-chan time.Time {
	f.mu.Lock()
	ch := make(chan time.Time, 1)
	f.waits = append(f.waits, d)
	if f.auto {
		ch <- f.now
	} else {
		f.timers = append(f.timers, fakeTimer{at: f.now.Add(d), ch: ch})
	}
	waiting := f.waiting
	f.mu.Unlock()
	if waiting != nil {
		waiting <- d
	}
	return ch
}

func (f *fakeClock) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
	kept := f.timers[:0]
	for _, t := range f.timers {
		if t.at.After(f.now) {
			kept = append(kept, t)
			continue
		}
		t.ch <- f.now
	}
	f.timers = kept
}

func (f *fakeClock) Waits() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.waits...)
}

// received is one request a fake platform got.
type received struct {
	Method, Path, Query string
	Header              http.Header
	Body                []byte
}

// answer is how a fake platform answers the nth request (from 1) to a path.
type answer func(n int, r received) (status int, body string)

// fakePlatform is an httptest.Server playing a platform.
type fakePlatform struct {
	*httptest.Server
	mu      sync.Mutex
	got     []received
	answers map[string]answer // by path
}

func newFakePlatform(t *testing.T, answers map[string]answer) *fakePlatform {
	t.Helper()
	p := &fakePlatform{answers: answers}
	p.Server = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.Close)
	return p
}

func (p *fakePlatform) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rec := received{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: body}
	p.mu.Lock()
	p.got = append(p.got, rec)
	n := 0
	for _, g := range p.got {
		if g.Path == rec.Path {
			n++
		}
	}
	ans := p.answers[r.URL.Path]
	p.mu.Unlock()
	if ans == nil {
		http.NotFound(w, r)
		return
	}
	status, text := ans(n, rec)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, text)
}

// requests returns the requests received on path.
func (p *fakePlatform) requests(path string) []received {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []received
	for _, g := range p.got {
		if g.Path == path {
			out = append(out, g)
		}
	}
	return out
}

// always answers every request the same way.
func always(status int, body string) answer {
	return func(int, received) (int, string) { return status, body }
}

// logBuffer collects a client's logs, to check what they hold.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// within fails the test unless done is closed before a generous deadline.
func within(t *testing.T, done <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s did not finish", what)
	}
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// claimHook is an OutcomeStore that reports every key claimed, as the
// claim starts.
type claimHook struct {
	OutcomeStore
	claiming chan<- string
}

func (h claimHook) Claim(ctx context.Context, key string, ttl time.Duration) (Claim, error) {
	h.claiming <- key
	return h.OutcomeStore.Claim(ctx, key, ttl)
}
