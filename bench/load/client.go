package load

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/callflow/callflow/runtime/eightbyeight"
	"github.com/callflow/callflow/runtime/platform"
	"github.com/callflow/callflow/runtime/tencent"
)

// poster sends webhooks for one worker, reusing its buffers.
type poster struct {
	c   *http.Client
	buf bytes.Buffer
}

var hdrJSON = []string{"application/json"}

// post sends body to url and returns a 200 answer's body, which stays valid
// until the next post. Anything but a 200 JSON answer is an error.
func (p *poster) post(url string, body []byte) ([]byte, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header["Content-Type"] = hdrJSON
	resp, err := p.c.Do(req)
	if err != nil {
		return nil, err
	}
	p.buf.Reset()
	_, err = p.buf.ReadFrom(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	out := p.buf.Bytes()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d: %s", resp.StatusCode, clip(out))
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return nil, fmt.Errorf("Content-Type %q: %s", ct, clip(out))
	}
	return out, nil
}

func (p *poster) getJSON(url string, v any) error {
	resp, err := p.c.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("GET %s: %d %s", url, resp.StatusCode, clip(b))
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

func clip(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

// tencentTemplate builds CallInBound webhooks that differ only in their
// SessionId, with the tencent adapter's own builder.
type tencentTemplate struct{ pre, post []byte }

const sessionMark = "@@SESSION@@"

func newTencentTemplate(caller, callee string) tencentTemplate {
	b, err := tencent.New().Webhook(platform.Call{Session: sessionMark, Caller: caller, Callee: callee, Bound: platform.Bound{IVRID: BoundIVR}})
	if err != nil {
		panic(err) // a constant call: a bug
	}
	i := bytes.Index(b, []byte(sessionMark))
	return tencentTemplate{pre: b[:i:i], post: b[i+len(sessionMark):]}
}

// body appends the webhook of session to dst[:0].
func (t tencentTemplate) body(dst []byte, prefix string, worker, n int) []byte {
	dst = append(dst[:0], t.pre...)
	dst = append(dst, prefix...)
	dst = strconv.AppendInt(dst, int64(worker), 10)
	dst = append(dst, '-')
	dst = strconv.AppendInt(dst, int64(n), 10)
	return append(dst, t.post...)
}

// tencentAnswer is Tencent's answer, read strictly.
type tencentAnswer struct {
	CallInBound *struct {
		OverrideAIAgentId int64 `json:"OverrideAIAgentId"`
		OverrideIvrId     int64 `json:"OverrideIvrId"`
		Variables         []struct {
			Key   string `json:"Key"`
			Value string `json:"Value"`
		} `json:"Variables"`
	} `json:"CallInBound"`
}

func decodeStrict(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return errors.New("trailing data")
	}
	return nil
}

// agentOf reads the answer of a version-marked tencent flow: the agent it
// routes to (its generation), or 0 for the safe fallback, which keeps the
// bound IVR. Anything else is malformed.
func agentOf(b []byte) (int, error) {
	var a tencentAnswer
	if err := decodeStrict(b, &a); err != nil || a.CallInBound == nil {
		return 0, fmt.Errorf("malformed tencent answer %s: %v", clip(b), err)
	}
	c := a.CallInBound
	switch {
	case c.OverrideAIAgentId > 0 && c.OverrideIvrId == 0 && len(c.Variables) == 0:
		return int(c.OverrideAIAgentId), nil
	case c.OverrideAIAgentId == 0 && c.OverrideIvrId == BoundIVR && len(c.Variables) == 0:
		return 0, nil
	}
	return 0, fmt.Errorf("unexpected tencent answer %s", clip(b))
}

// expected holds the answers a decision should give, per key, found with
// the hand-written baseline at the time of the webhook: office hours can
// open or close during a run, so a mismatch is checked again at the time
// of the answer before it counts.
type expected struct {
	mu      sync.Mutex
	m       map[string][]byte
	compute func(key string, body []byte, at time.Time) ([]byte, error)
}

func (e *expected) check(key string, body, got []byte, sent time.Time) error {
	e.mu.Lock()
	want, ok := e.m[key]
	e.mu.Unlock()
	if ok && bytes.Equal(got, want) {
		return nil
	}
	for _, at := range []time.Time{sent, time.Now()} {
		w, err := e.compute(key, body, at)
		if err != nil {
			return err
		}
		if bytes.Equal(got, w) {
			e.mu.Lock()
			e.m[key] = w
			e.mu.Unlock()
			return nil
		}
		want = w
	}
	return fmt.Errorf("answer %s, want %s (the hand-written decision)", clip(got), clip(want))
}

// eightAnswer is 8x8's answer to a call action webhook.
type eightAnswer struct {
	ClientActionID string `json:"clientActionId"`
	Callflow       []struct {
		Action string         `json:"action"`
		Params map[string]any `json:"params"`
	} `json:"callflow"`
}

// texts is every text the answer speaks, in order.
func (a *eightAnswer) texts() []string {
	var out []string
	for _, s := range a.Callflow {
		for _, k := range []string{"text", "promptMessage"} {
			if v, ok := s.Params[k].(string); ok {
				out = append(out, v)
			}
		}
	}
	return out
}

func (a *eightAnswer) actions() []string {
	out := make([]string, len(a.Callflow))
	for i, s := range a.Callflow {
		out[i] = s.Action
	}
	return out
}

// eightBody builds one 8x8 webhook of a call: the CALL_RECEIVED when digits
// is nil, else the ACTION_COMPLETED of the capture resume.
func eightBody(session string, step int, callee, resume string, digits *string) []byte {
	b, err := eightbyeight.New().Webhook(platform.Call{Session: session, Delivery: session + "-e" + strconv.Itoa(step),
		Caller: Caller8x8, Callee: callee, Resume: resume, Digits: digits})
	if err != nil {
		panic(err) // a call built by this package: a bug
	}
	return b
}

// genOf8x8 reads the generation of the first answer of a call to a
// version-marked 8x8 flow: "v<gen> welcome" then a capture; 0 for the safe
// fallback (a hang-up that says nothing of the flow).
func genOf8x8(a *eightAnswer, raw []byte) (int, error) {
	texts, acts := a.texts(), a.actions()
	if len(acts) > 0 && acts[len(acts)-1] == "hangup" && a.ClientActionID == "" {
		for _, t := range texts {
			if strings.HasPrefix(t, "v") {
				return 0, fmt.Errorf("a hang-up that speaks the flow's text: %s", clip(raw))
			}
		}
		return 0, nil
	}
	if len(texts) != 2 || a.ClientActionID == "" || !slices.Equal(acts, []string{"say", "sayAndCapture"}) {
		return 0, fmt.Errorf("malformed first answer of an 8x8 call: %s", clip(raw))
	}
	v, ok := strings.CutSuffix(texts[0], " welcome")
	gen, err := strconv.Atoi(strings.TrimPrefix(v, "v"))
	if !ok || !strings.HasPrefix(v, "v") || err != nil || gen <= 0 {
		return 0, fmt.Errorf("malformed first answer of an 8x8 call: %s", clip(raw))
	}
	if want := fmt.Sprintf("v%d first digit", gen); texts[1] != want {
		return 0, fmt.Errorf("the first answer of a call on v%d prompts %q, want %q", gen, texts[1], want)
	}
	return gen, nil
}

// Latencies are request durations.
type Latencies []time.Duration

// Percentile returns the p-th percentile (0 < p ≤ 100), nearest rank.
func (l Latencies) Percentile(p float64) time.Duration {
	if len(l) == 0 {
		return 0
	}
	s := slices.Clone(l)
	slices.Sort(s)
	i := int(float64(len(s))*p/100+0.999999) - 1
	return s[min(max(i, 0), len(s)-1)]
}

// Max is the longest.
func (l Latencies) Max() time.Duration {
	if len(l) == 0 {
		return 0
	}
	return slices.Max(l)
}

// failures collects what went wrong, keeping the first messages.
type failures struct {
	mu    sync.Mutex
	n     int64
	first []string
}

func (f *failures) add(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	if len(f.first) < 20 {
		f.first = append(f.first, fmt.Sprintf(format, args...))
	}
}

func (f *failures) count() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.n
}

func (f *failures) messages() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.first)
}
