package runtime_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/ir"
	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/callback"
	"github.com/callflow/callflow/runtime/callbot"
	"github.com/callflow/callflow/runtime/eightbyeight"
	"github.com/callflow/callflow/runtime/internal/tokenmask"
	"github.com/callflow/callflow/runtime/jambonz"
	"github.com/callflow/callflow/runtime/platform"
	"github.com/callflow/callflow/runtime/tencent"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/run")

// testSecret signs 8x8 resume tokens in these tests.
var testSecret = []byte("0123456789abcdef0123456789abcdef")

// Times the shipped flows are run at: a Monday morning inside office hours
// (Asia/Shanghai and Asia/Singapore are both UTC+8), a Sunday night outside
// them, and a weekday inside the reception flow's National Day exception.
var (
	inHours  = time.Date(2026, 11, 23, 10, 0, 0, 0, time.FixedZone("+08", 8*3600))
	outHours = time.Date(2026, 11, 22, 23, 0, 0, 0, time.FixedZone("+08", 8*3600))
	holiday  = time.Date(2026, 10, 1, 10, 0, 0, 0, time.FixedZone("+08", 8*3600))
)

// shipped compiles ../flows once per test binary.
func shipped(t testing.TB) *ir.Program {
	t.Helper()
	prog, ds := lang.CompileDir(os.DirFS("../flows"), lang.WithPlaceholderSecrets())
	if ds.HasErrors() || prog == nil {
		t.Fatalf("the shipped flows do not compile: %v", ds)
	}
	return prog
}

// compile compiles one flow held in memory.
func compile(t testing.TB, name, src string) *ir.Program {
	t.Helper()
	prog, ds := lang.CompileFile(name, []byte(src))
	if ds.HasErrors() || prog == nil {
		t.Fatalf("%s does not compile:\n%v", name, ds)
	}
	return prog
}

// newEngine builds an engine with a fixed secret and clock.
func newEngine(t testing.TB, prog *ir.Program, opts ...runtime.Option) *runtime.Engine {
	t.Helper()
	base := []runtime.Option{runtime.WithFlows(prog), runtime.WithSecret(testSecret),
		runtime.WithClock(func() time.Time { return inHours })}
	eng, err := runtime.New(append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

var adapters = map[string]platform.Adapter{
	"tencent":  tencent.New(),
	"8x8":      eightbyeight.New(),
	"callback": callback.New(),
	"callbot":  callbot.New(),
	"jambonz":  jambonz.New(),
}

// webhook builds a real-shaped webhook with the platform's adapter.
func webhook(t testing.TB, platformName string, c platform.Call) []byte {
	t.Helper()
	b, err := adapters[platformName].Webhook(c)
	if err != nil {
		t.Fatalf("%s webhook: %v", platformName, err)
	}
	return b
}

func serve(t testing.TB, eng *runtime.Engine, req *runtime.Request) *runtime.Result {
	t.Helper()
	res, _ := eng.Serve(context.Background(), req)
	if res == nil {
		t.Fatalf("Serve returned no result")
	}
	return res
}

// clientActionID returns the clientActionId of an 8x8 answer, "" if none.
func clientActionID(t testing.TB, body []byte) string {
	t.Helper()
	var out struct {
		ClientActionID string `json:"clientActionId"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("8x8 answer is not JSON: %v\n%s", err, body)
	}
	return out.ClientActionID
}

// call8x8 walks one 8x8 call, building each webhook with the adapter and
// echoing the clientActionId of the previous answer, as 8x8 does.
type call8x8 struct {
	t              testing.TB
	eng            *runtime.Engine
	session        string
	caller, callee string
	at             time.Time
	flow           string
	given          map[string]any
	n              int
	resume         string
}

func newCall8x8(t testing.TB, eng *runtime.Engine, session string, at time.Time) *call8x8 {
	return &call8x8{t: t, eng: eng, session: session, caller: "+6591234567", callee: "+6512345678", at: at}
}

func (c *call8x8) send(pc platform.Call) *runtime.Result {
	c.t.Helper()
	c.n++
	pc.Session, pc.Caller, pc.Callee = c.session, c.caller, c.callee
	pc.At = c.at.Add(time.Duration(c.n) * 10 * time.Second)
	if pc.Delivery == "" {
		pc.Delivery = fmt.Sprintf("%s-event-%d", c.session, c.n)
	}
	body := webhook(c.t, "8x8", pc)
	res := serve(c.t, c.eng, &runtime.Request{Platform: "8x8", Flow: c.flow, Body: body, Now: pc.At, Given: c.given})
	if res.Reply.Status == 200 && len(res.Reply.Body) > 0 {
		c.resume = clientActionID(c.t, res.Reply.Body)
	}
	return res
}

// start sends CALL_RECEIVED.
func (c *call8x8) start() *runtime.Result { return c.send(platform.Call{}) }

// press answers the pending capture with digits.
func (c *call8x8) press(d string) *runtime.Result {
	return c.send(platform.Call{Digits: &d, Resume: c.resume})
}

// silence answers the pending capture with dtmf null.
func (c *call8x8) silence() *runtime.Result {
	return c.send(platform.Call{NoInput: true, Resume: c.resume})
}

// step is one webhook of a golden transcript.
type step struct {
	Sent    string          `json:"sent"`
	Outcome string          `json:"outcome"`
	Status  int             `json:"status"`
	Body    json.RawMessage `json:"body"`
}

// record turns a result into a transcript step. The resume token is
// signed over the flow's version, so it changes whenever the flow's source
// does: the 8x8 clientActionId is replaced by a placeholder after checking
// that it is there, and elsewhere (a URL's query) it is masked as
// `callflow test` masks it (tokenmask). A TwiML answer is kept as a JSON
// string.
func record(t testing.TB, sent string, res *runtime.Result) step {
	t.Helper()
	s := step{Sent: sent, Outcome: string(res.Outcome), Status: res.Reply.Status, Body: json.RawMessage("null")}
	if len(res.Reply.Body) == 0 {
		return s
	}
	token := ""
	if res.Response != nil {
		token = res.Response.Resume
	}
	var v any
	if err := json.Unmarshal(res.Reply.Body, &v); err != nil {
		// TwiML: the document, token masked, as a JSON string.
		if !bytes.HasPrefix(res.Reply.Body, []byte("<?xml")) {
			t.Fatalf("%s: the answer is neither JSON nor XML: %v\n%s", sent, err, res.Reply.Body)
		}
		var doc bytes.Buffer
		enc := json.NewEncoder(&doc)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(string(tokenmask.Mask(res.Reply.Body, token))); err != nil {
			t.Fatal(err)
		}
		s.Body = bytes.TrimSpace(doc.Bytes())
		return s
	}
	if m, ok := v.(map[string]any); ok {
		if id, ok := m["clientActionId"].(string); ok {
			if id == "" {
				t.Fatalf("%s: empty clientActionId", sent)
			}
			// Rewrite the raw bytes so the key order of the answer is kept.
			res := bytes.Replace(res.Reply.Body, []byte(`"clientActionId":"`+id+`"`), []byte(`"clientActionId":"<token>"`), 1)
			s.Body = json.RawMessage(res)
			return s
		}
	}
	s.Body = json.RawMessage(bytes.Clone(tokenmask.Mask(res.Reply.Body, token)))
	return s
}

// golden compares a transcript with testdata/run/<flow>/<name>.json, or
// rewrites it under -update.
func golden(t testing.TB, flow, name string, steps []step) {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(steps); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("..", "testdata", "run", flow, name+".json")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("%s differs from the golden file (run with -update to accept):\n--- got\n%s--- want\n%s", path, b.Bytes(), want)
	}
}
