package flowtest

import (
	"fmt"
	"strings"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/ir"
	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/lang/source"
	"github.com/callflow/callflow/runtime/platform"
)

// dial sends the platform's report that the bridged call of the waiting
// makeCall ended with the outcome (`dial busy`).
func (t *tester) dial(s *ast.Dial) *Failure {
	if _, ok := t.waitingAt().(*ir.MakeCall); !ok {
		return t.notWaiting(s.At, "dial", "makeCall with outcome blocks")
	}
	w := t.resumeCall()
	w.DialOutcome = lplatform.DialOutcome(s.Outcome.Name)
	t.pending = &webhook{at: s.At, what: "dial", call: w}
	return nil
}

// recorded sends the platform's report that the waiting record finished,
// its recording at the URL (`recorded "https://…"`).
func (t *tester) recorded(s *ast.Recorded) *Failure {
	if _, ok := t.waitingAt().(*ir.Record); !ok {
		return t.notWaiting(s.At, "recorded", "record")
	}
	url, err := t.env.text(s.URL)
	if err != nil {
		return &Failure{At: s.At, Msg: fmt.Sprintf("recorded: %v", err)}
	}
	w := t.resumeCall()
	w.Recorded, w.RecordingURL = true, url
	t.pending = &webhook{at: s.At, what: "recorded", call: w}
	return nil
}

// resumeCall is the webhook that answers the step the call waits at.
func (t *tester) resumeCall() platform.Call {
	return platform.Call{Session: t.cur.session, Caller: t.cur.caller, Callee: t.cur.callee, At: t.cur.at,
		Resume: clientActionID(t.last)}
}

func (t *tester) notWaiting(at source.Span, stmt, step string) *Failure {
	if t.cur == nil || t.last == nil {
		return &Failure{At: at, Msg: stmt + ": no call is waiting: write a call first"}
	}
	return &Failure{At: at, Msg: fmt.Sprintf("%s: no %s is waiting; the last reply holds %s", stmt, step, describeActions(t.actions(), t.captureVar()))}
}

// recordVar is the variable of the record the last reply waits at, "" if none.
func (t *tester) recordVar() string {
	if in, ok := t.waitingAt().(*ir.Record); ok {
		return in.Var
	}
	return ""
}

// recordMatcher matches `expect record [VAR]`: the reply's record, the one
// filling VAR when VAR is given.
func (t *tester) recordMatcher(s *ast.Expect) (func(platform.Action) bool, string, error) {
	want := ""
	if len(s.Args) > 0 {
		want = s.Args[0].Text // a variable's name, not a value
	}
	return func(a platform.Action) bool {
		_, ok := a.(platform.Record)
		return ok && (want == "" || t.recordVar() == want)
	}, strings.TrimSpace("record " + want), nil
}
