package flowtest

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/runtime"
)

// route is the flow a call on platform names in its webhook's URL, as the
// server's routes are used: a trigger platform's route always names the
// flow (/hooks/callback/{flow}); a phone platform's call to a flow that
// declares numbers names none, so the engine picks the flow by the called
// number exactly as the server does, and a typo in `to` or in `number`
// fails the test. A flow without numbers is reached only by its URL.
func (t *tester) route(platform string) string {
	if p, ok := lplatform.Lookup(platform); ok && !p.Trigger && len(t.flow.Numbers) > 0 {
		return ""
	}
	return t.flow.Name
}

// routed fails a call routed by number that reached no flow, or another
// flow than the test's: it names the number and the numbers that are
// answered on the platform.
func (t *tester) routed(w *webhook, res *runtime.Result, err error) *Failure {
	if t.cur.route != "" || w.what != "call" {
		return nil
	}
	var rerr *runtime.Error
	if errors.As(err, &rerr) && rerr.Code == "no-flow" {
		return &Failure{At: w.at, Msg: fmt.Sprintf("call: no flow answers %q on %s; %s", t.cur.callee, t.cur.platform, t.answered())}
	}
	if res != nil && res.Flow != "" && res.Flow != t.flow.Name {
		return &Failure{At: w.at, Msg: fmt.Sprintf("call: %q is answered by flow %s on %s, not by %s; %s", t.cur.callee, res.Flow, t.cur.platform, t.flow.Name, t.answered())}
	}
	return nil
}

// answered lists the numbers the test's flow answers on the current call's
// platform, and those other flows of the program answer there.
func (t *tester) answered() string {
	var mine, others []string
	for _, f := range t.prog.Flows {
		if !f.Targets(t.cur.platform) {
			continue
		}
		for _, n := range f.Numbers {
			if f == t.flow {
				mine = append(mine, strconv.Quote(n))
			} else {
				others = append(others, fmt.Sprintf("%q (%s)", n, f.Name))
			}
		}
	}
	slices.Sort(others)
	msg := fmt.Sprintf("flow %s answers %s", t.flow.Name, strings.Join(mine, ", "))
	if !t.flow.Targets(t.cur.platform) || len(mine) == 0 {
		msg = fmt.Sprintf("flow %s answers no number on %s", t.flow.Name, t.cur.platform)
	}
	if len(others) > 0 {
		msg += "; other flows answer " + strings.Join(others, ", ")
	}
	return msg
}
