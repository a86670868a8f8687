package load

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	lplatform "github.com/callflow/callflow/lang/platform"
)

// Budgets are the platforms' answer budgets: an answer later than this is
// one the platform has given up on.
var (
	budget8x8     = mustBudget("8x8")
	budgetTrigger = mustBudget("callback")
)

func mustBudget(name string) time.Duration {
	p, ok := lplatform.Lookup(name)
	if !ok {
		panic("load: no platform " + name)
	}
	return p.Budget
}

// IVRCall is one 8x8 call to the IVR flow (ivrFlow): CALL_RECEIVED, then
// three captured digits, four webhooks in all, each answer checked against
// what the version the call started on says.
type IVRCall struct {
	Session string
	Digits  string // the three digits the caller presses
	Gen     int    // the version of the IVR the call is on, from its first answer
	Next    int    // webhooks answered so far
	// Answers are the answers so far, with the resume token masked (it
	// holds an expiry, so two runs never give the same one).
	Answers []string
	resume  string
}

// NewIVRCall is call n of a run.
func NewIVRCall(prefix string, n int) *IVRCall {
	return &IVRCall{Session: fmt.Sprintf("%s-%d", prefix, n), Digits: fmt.Sprintf("%d%d%d", n%10, (n/10)%10, (n*7)%10)}
}

// Done says whether the call has hung up.
func (c *IVRCall) Done() bool { return c.Next == 4 }

// body is the call's next webhook.
func (c *IVRCall) body() []byte {
	if c.Next == 0 {
		return eightBody(c.Session, 0, IVRNumber, "", nil)
	}
	d := c.Digits[c.Next-1 : c.Next]
	return eightBody(c.Session, c.Next, IVRNumber, c.resume, &d)
}

var clientActionID = regexp.MustCompile(`"clientActionId":"[^"]*"`)

// take checks the answer to the call's next webhook: the first says
// "v<gen> welcome" (wantGen, unless 0) and each later one goes on with the
// digits pressed, on the version the call started on.
func (c *IVRCall) take(raw []byte, wantGen int) error {
	var a eightAnswer
	if err := json.Unmarshal(raw, &a); err != nil {
		return fmt.Errorf("call %s webhook %d: malformed answer %s: %v", c.Session, c.Next, clip(raw), err)
	}
	if c.Next == 0 {
		gen, err := genOf8x8(&a, raw)
		if err != nil {
			return fmt.Errorf("call %s: %v", c.Session, err)
		}
		if gen == 0 {
			return fmt.Errorf("call %s got the safe fallback: %s", c.Session, clip(raw))
		}
		if wantGen != 0 && gen != wantGen {
			return fmt.Errorf("call %s started on v%d, want v%d: %s", c.Session, gen, wantGen, clip(raw))
		}
		c.Gen = gen
	} else {
		var want []string
		switch c.Next {
		case 1:
			want = []string{fmt.Sprintf("v%d second digit after %s", c.Gen, c.Digits[:1])}
		case 2:
			want = []string{fmt.Sprintf("v%d third digit after %s", c.Gen, c.Digits[:2])}
		case 3:
			want = []string{fmt.Sprintf("v%d you pressed %s", c.Gen, c.Digits)}
		}
		acts := a.actions()
		last := c.Next == 3
		if !slices.Equal(a.texts(), want) || (last && (len(acts) == 0 || acts[len(acts)-1] != "hangup")) || (!last && a.ClientActionID == "") {
			return fmt.Errorf("call %s (v%d) webhook %d: answer %s, want it to say %q", c.Session, c.Gen, c.Next, clip(raw), want)
		}
	}
	c.resume = a.ClientActionID
	c.Answers = append(c.Answers, clientActionID.ReplaceAllString(string(raw), `"clientActionId":"…"`))
	c.Next++
	return nil
}

// Step sends the call's next webhook to replica i and checks the answer:
// a 200 within the 8x8 budget that goes on with the call on its version.
func (cl *Cluster) Step(ctx context.Context, i int, c *IVRCall) error {
	status, out, took, err := cl.Post(ctx, i, "/hooks/8x8", c.body())
	if err != nil {
		return fmt.Errorf("call %s webhook %d to replica %d: %v", c.Session, c.Next, i, err)
	}
	if status != http.StatusOK {
		return fmt.Errorf("call %s webhook %d to replica %d: status %d: %s", c.Session, c.Next, i, status, clip(out))
	}
	if took > budget8x8 {
		return fmt.Errorf("call %s webhook %d to replica %d: answered in %s, over the 8x8 budget of %s", c.Session, c.Next, i, took, budget8x8)
	}
	return c.take(out, 0)
}

// Transcript is a call's answers, one per line.
func (c *IVRCall) Transcript() string { return strings.Join(c.Answers, "\n") }
