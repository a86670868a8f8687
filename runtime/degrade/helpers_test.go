package degrade_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/callflow/callflow/runtime/internal/logbuf"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/ir"
	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/degrade"
	"github.com/callflow/callflow/runtime/degrade/degradetest"
	"github.com/callflow/callflow/runtime/eightbyeight"
	"github.com/callflow/callflow/runtime/platform"
	"github.com/callflow/callflow/runtime/tencent"
)

var (
	stepAt = time.Date(2026, 11, 23, 10, 0, 0, 0, time.FixedZone("+08", 8*3600)) // support is open
	secret = []byte("degrade-test-secret-0123456789ab")
)

const (
	support   = "+6512345678"
	reception = "+8675566668888"

	budget8x8     = 4 * time.Second
	budgetTencent = 3 * time.Second
)

var (
	progOnce sync.Once
	prog     *ir.Program
)

// shipped is the repository's flows: support (8x8, a menu of captures)
// and reception (tencent, with a lookup).
func shipped(t testing.TB) *ir.Program {
	t.Helper()
	progOnce.Do(func() {
		p, ds := lang.CompileDir(os.DirFS("../../flows"), lang.WithPlaceholderSecrets())
		if ds.HasErrors() {
			panic(fmt.Sprint(ds))
		}
		prog = p
	})
	return prog
}

// crm answers every lookup from memory.
type crm string

func (c crm) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(string(c))), ContentLength: int64(len(c)), Request: req}, nil
}

// rig is an engine on a guarded fault store.
type rig struct {
	f   *degradetest.Store
	g   *degrade.Guard
	eng *runtime.Engine
	rec *recorder
	log *logBuffer
}

// newRig makes the rig; split gives the engine the store without its
// CallStore methods.
func newRig(t testing.TB, split bool, opts ...degrade.Option) *rig {
	t.Helper()
	f := degradetest.New()
	var shared runtime.SessionStore = f
	if split {
		shared = f.Split()
	}
	r := rigOn(t, shared, opts...)
	r.f = f
	return r
}

// rigOn makes a rig on any shared store; its f is nil.
func rigOn(t testing.TB, shared runtime.SessionStore, opts ...degrade.Option) *rig {
	t.Helper()
	r := &rig{rec: newRecorder(), log: &logBuffer{}}
	logger := slog.New(slog.NewTextHandler(r.log, &slog.HandlerOptions{Level: slog.LevelInfo}))
	r.g = degrade.New(append([]degrade.Option{degrade.WithLogger(logger), degrade.WithObserver(r.rec)}, opts...)...)
	eng, err := runtime.New(runtime.WithFlows(shipped(t)), runtime.WithSecret(secret),
		runtime.WithClock(func() time.Time { return stepAt }), runtime.WithLogger(logger),
		runtime.WithHTTPClient(&http.Client{Transport: crm(`{"vip":false,"name":""}`)}), runtime.WithUnguardedLookups(),
		runtime.WithStore(r.g.Sessions(shared)))
	if err != nil {
		t.Fatal(err)
	}
	r.eng = eng
	return r
}

// answer is one webhook's answer and how long it took.
type answer struct {
	reply platform.Reply
	err   error
	took  time.Duration
}

func (r *rig) handle(platformName string, body []byte) answer {
	start := time.Now()
	reply, err := r.eng.Handle(context.Background(), platformName, "", body)
	return answer{reply: reply, err: err, took: time.Since(start)}
}

func webhook8x8(t testing.TB, session string, n int, resume string, digits string) []byte {
	t.Helper()
	call := platform.Call{Session: session, Delivery: fmt.Sprintf("%s-e%d", session, n),
		Caller: "+6591234567", Callee: support, At: stepAt, Resume: resume}
	if digits != "" {
		call.Digits = &digits
	}
	body, err := eightbyeight.New().Webhook(call)
	if err != nil {
		t.Fatal(err)
	}
	return body
}

func webhookTencent(t testing.TB, session string) []byte {
	t.Helper()
	body, err := tencent.New().Webhook(platform.Call{Session: session, Caller: "+8613166668888", Callee: reception,
		Bound: platform.Bound{IVRID: 5}})
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// fallbackOf is the platform's safe fallback for a webhook.
func fallbackOf(t testing.TB, platformName string, body []byte) []byte {
	t.Helper()
	var ad platform.Adapter = eightbyeight.New()
	if platformName == "tencent" {
		ad = tencent.New()
	}
	ev, err := ad.Decode(body, nil)
	if err != nil {
		t.Fatal(err)
	}
	return ad.Fallback(ev, platform.FallbackOptions{}).Body
}

func resumeOf(t testing.TB, body []byte) string {
	t.Helper()
	var out struct {
		ClientActionID string `json:"clientActionId"`
	}
	if err := json.Unmarshal(body, &out); err != nil || out.ClientActionID == "" {
		t.Fatalf("no clientActionId in the 8x8 answer (%v): %s", err, body)
	}
	return out.ClientActionID
}

const (
	menuPrompt  = "Press 1 for sales"
	orderPrompt = "Enter your order number"
	orderDone   = "Order 12345 is on its way"
)

// call8x8 runs an 8x8 call through the menu (9) and the order number,
// checking each answer is the flow's and in time.
func (r *rig) call8x8(t testing.TB, id string) {
	t.Helper()
	a := r.handle("8x8", webhook8x8(t, id, 0, "", ""))
	r.want(t, a, budget8x8, menuPrompt)
	a = r.handle("8x8", webhook8x8(t, id, 1, resumeOf(t, a.reply.Body), "9"))
	r.want(t, a, budget8x8, orderPrompt)
	a = r.handle("8x8", webhook8x8(t, id, 2, resumeOf(t, a.reply.Body), "12345#"))
	r.want(t, a, budget8x8, orderDone)
}

// want checks an answer is the flow's (holding text) and within budget.
func (r *rig) want(t testing.TB, a answer, budget time.Duration, text string) {
	t.Helper()
	if a.err != nil || !bytes.Contains(a.reply.Body, []byte(text)) {
		t.Fatalf("answer %v %s; want %q\nlog:\n%s", a.err, a.reply.Body, text, r.log)
	}
	if a.took > budget {
		t.Fatalf("answered after %v, past the budget of %v", a.took, budget)
	}
}

// recorder is an Observer that keeps what it is told.
type recorder struct {
	mu       sync.Mutex
	ops      map[string]int
	errs     map[string]int
	states   []degrade.State
	degraded map[string]int
	dups     []time.Duration
	bundles  map[string]int
}

func newRecorder() *recorder {
	return &recorder{ops: map[string]int{}, errs: map[string]int{}, degraded: map[string]int{}, bundles: map[string]int{}}
}

func (r *recorder) StoreOp(op string, _ time.Duration, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ops[op]++
	if err != nil {
		r.errs[op]++
	}
}

func (r *recorder) BreakerState(s degrade.State) {
	r.mu.Lock()
	r.states = append(r.states, s)
	r.mu.Unlock()
}

func (r *recorder) DegradedAnswer(reason string) {
	r.mu.Lock()
	r.degraded[reason]++
	r.mu.Unlock()
}

func (r *recorder) DuplicateWaited(d time.Duration) {
	r.mu.Lock()
	r.dups = append(r.dups, d)
	r.mu.Unlock()
}

func (r *recorder) BundleFetched(result string) {
	r.mu.Lock()
	r.bundles[result]++
	r.mu.Unlock()
}

func (r *recorder) count(m map[string]int, k string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return m[k]
}

func (r *recorder) stateList() []degrade.State {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]degrade.State(nil), r.states...)
}

// logBuffer is a log destination the server writes from its goroutines.
type logBuffer struct{ logbuf.Buffer }

// lines counts the log lines holding s.
func (l *logBuffer) lines(s string) int { return strings.Count(l.String(), s) }
