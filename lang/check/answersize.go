package check

import (
	"unicode/utf8"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/platform"
)

// answerSizes reports, on a platform that bounds one answer's document
// (platform.AnswerLimit: Twilio's 64 KB of TwiML), a path on which the
// texts the checker knows already take one answer past the bound. The
// steps a call runs between two waits are one answer, whatever handlers
// they are in: a goto carries the answer on, a do carries it into the
// subroutine and back. The sizes are the known texts' alone, escaped, in
// the document's frame: a flow reported here fails on that path whatever
// the call brings, and one not reported may still fail on texts known only
// while it runs (the adapter reports those).
func (c *checker) answerSizes(p *platform.Platform) {
	w := &answerWalk{c: c, p: p, lim: p.Limits.Answer, seen: map[ast.Step]int{}, visits: map[ast.Step]int{},
		waited: map[ast.Step]bool{}, reportedAt: map[ast.Node]bool{}}
	for _, h := range c.handlers {
		if c.info.Handlers[h.Name.Name] == h {
			w.reported = false
			w.from(h.Body.Steps, 0, nil, answerOrigin{})
		}
	}
	for len(w.starts) > 0 { // the answers after each wait
		s := w.starts[0]
		w.starts = w.starts[1:]
		w.reported = false
		w.from(s.steps, s.bytes, s.k, s.origin)
	}
}

// answerWalk follows the paths of a flow's answers, adding up their known
// texts.
type answerWalk struct {
	c   *checker
	p   *platform.Platform
	lim platform.AnswerLimit
	// seen is the most bytes a path not yet over the bound has brought to
	// a step; a path that brings no more cannot take the answer past the
	// bound there.
	seen map[ast.Step]int
	// visits counts the paths that brought a step more: a loop that says
	// something each time round (a goto-cycle, reported on its own) stops
	// being followed after a few rounds.
	visits map[ast.Step]int
	starts []answerStart
	waited map[ast.Step]bool // the waits whose next answers are in starts
	// reported is set once the answer followed is reported over the
	// bound (over); reportedAt holds the places reported.
	reported   bool
	reportedAt map[ast.Node]bool
}

// answerStart is where an answer begins: after a wait, with the bytes it
// starts with (a capture's retry message before its prompt again).
type answerStart struct {
	steps  []ast.Step
	bytes  int
	k      *answerCont
	origin answerOrigin
}

// answerOrigin is the wait an answer begins after, and what the report
// says of it; at is nil for an answer that begins at a handler's entry.
type answerOrigin struct {
	at   ast.Node
	note string
}

// after is the origin of the answers after the wait s.
func after(s ast.Node) answerOrigin { return answerOrigin{s, "the answer begins after this step"} }

// answerCont is what runs when a block's steps run out: the rest of the
// block around it, or, for a do, the steps after the do (frame).
type answerCont struct {
	steps []ast.Step
	next  *answerCont
	frame bool
}

// maxVisits bounds the paths followed into one step.
const maxVisits = 8

// from follows steps, and then k, with bytes of known text already in the
// answer that began after start (nil: at a handler's entry).
func (w *answerWalk) from(steps []ast.Step, bytes int, k *answerCont, start answerOrigin) {
	for {
		if len(steps) == 0 {
			if k == nil {
				return
			}
			steps, k = k.steps, k.next
			continue
		}
		s, rest := steps[0], steps[1:]
		if w.visits[s] >= maxVisits {
			return
		}
		if !w.reported { // a path reported over goes on only to the waits after it
			if seen, ok := w.seen[s]; ok && bytes <= seen {
				return
			}
			w.seen[s] = bytes
		}
		w.visits[s]++
		switch s := s.(type) {
		case *ast.Say:
			bytes += w.text(s.Text)
			w.over(bytes, s.Text, start)
		case *ast.Play:
			bytes += w.text(s.URL)
			w.over(bytes, s.URL, start)
		case *ast.Capture:
			w.capture(s, rest, bytes, k, start)
			return
		case *ast.Record:
			w.wait(s, rest, k)
			return
		case *ast.MakeCall:
			if s.Outcomes != nil && w.wait(s, rest, k) {
				for _, o := range s.Outcomes.Outcomes {
					w.starts = append(w.starts, answerStart{o.Body.Steps, 0, &answerCont{steps: rest, next: k}, after(s)})
				}
			}
			return
		case *ast.Hangup, *ast.Agent, *ast.IVR:
			return
		case *ast.Goto:
			if h := w.c.info.Handlers[s.Handler.Name]; h != nil {
				steps, k = h.Body.Steps, frames(k)
				continue
			}
			return
		case *ast.Do:
			if h := w.c.info.Handlers[s.Handler.Name]; h != nil {
				steps, k = h.Body.Steps, &answerCont{steps: rest, next: k, frame: true}
				continue
			}
		case *ast.Return:
			if k = frames(k); k == nil {
				return
			}
			steps, k = k.steps, k.next
			continue
		case *ast.If, *ast.Switch:
			arms, otherwise := armsOf(s)
			next := &answerCont{steps: rest, next: k}
			for _, b := range arms {
				w.from(b.Steps, bytes, next, start)
			}
			if otherwise != nil {
				steps, k = otherwise.Steps, next
				continue
			}
		}
		steps = rest
	}
}

// armsOf is the blocks an if or a switch chooses among, and its else
// block (nil when it has none: then the choice may be none of them).
func armsOf(s ast.Step) (arms []*ast.Block, otherwise *ast.Block) {
	switch s := s.(type) {
	case *ast.If:
		for _, b := range s.Branches {
			arms = append(arms, b.Body)
		}
		return arms, s.Else
	case *ast.Switch:
		for _, cs := range s.Cases {
			arms = append(arms, cs.Body)
		}
		return arms, s.Else
	}
	return nil, nil
}

// frames is k from its innermost do frame on: what a goto keeps (the
// call's stack, not the blocks it leaves), and where a return goes on.
func frames(k *answerCont) *answerCont {
	for k != nil && !k.frame {
		k = k.next
	}
	return k
}

// capture adds the longest prompt to the answer it ends, and starts the
// answers after it: a retry (the longest noinput or nomatch message, then
// the prompt again), each on block, and the steps after the capture.
func (w *answerWalk) capture(s *ast.Capture, rest []ast.Step, bytes int, k *answerCont, start answerOrigin) {
	prompt, at := w.longest(s, "prompt")
	w.over(bytes+prompt, at, start)
	if w.waited[s] {
		return
	}
	next := &answerCont{steps: rest, next: k}
	noinput, _ := w.longest(s, "noinput")
	nomatch, _ := w.longest(s, "nomatch")
	if retry := max(noinput, nomatch); retry > 0 {
		w.starts = append(w.starts, answerStart{[]ast.Step{s}, retry, k,
			answerOrigin{s, "a retry of this capture says its message and then the prompt, in one answer"}})
	}
	for _, o := range s.Options {
		if o.Body != nil {
			w.starts = append(w.starts, answerStart{o.Body.Steps, 0, next, after(s)})
		}
	}
	w.wait(s, rest, k)
}

// wait starts the answer that follows the wait s, once; it reports
// whether this was the first time.
func (w *answerWalk) wait(s ast.Step, rest []ast.Step, k *answerCont) bool {
	if w.waited[s] {
		return false
	}
	w.waited[s] = true
	w.starts = append(w.starts, answerStart{rest, 0, k, after(s)})
	return true
}

// longest is the most bytes one value of a capture's option takes (a try
// says one of them), and that value.
func (w *answerWalk) longest(s *ast.Capture, name string) (int, ast.Node) {
	o := findOption(s.Options, name)
	if o == nil {
		return 0, nil
	}
	most, at := 0, ast.Node(o)
	for _, a := range o.Args {
		x, ok := a.(*ast.Expr)
		if audio, isAudio := a.(*ast.Audio); isAudio {
			x, ok = audio.URL, true
		}
		if n := w.text(x); ok && n > most {
			most, at = n, x
		}
	}
	return most, at
}

// text is the bytes a known text takes in the document, in the least
// element around it; 0 when the text is known only while a call runs.
func (w *answerWalk) text(x *ast.Expr) int {
	if x == nil {
		return 0
	}
	s, ok := w.c.info.Values[x].(string)
	if !ok {
		return 0
	}
	return w.lim.Element + w.lim.Text(s)
}

// over reports the answer taken past the bound at the value at: once an
// answer, the first text that takes it over being the one to fix, and once
// a place, however many answers it takes over.
func (w *answerWalk) over(bytes int, at ast.Node, start answerOrigin) {
	total := w.lim.Frame + bytes
	if total <= w.lim.Max || at == nil || w.reported {
		return
	}
	w.reported = true
	if w.overText(at) || w.reportedAt[at] {
		return // said already, or the text alone is over the platform's limit, which says so
	}
	w.reportedAt[at] = true
	d := w.c.limitError(w.p, at, "this text takes its answer to at least %d bytes, over the %d one answer may have", total, w.lim.Max).
		Do("The steps between two waits (capture, record, a makeCall with outcomes) are one answer: shorten their texts, or play recorded audio instead.")
	if start.at != nil {
		d.Also(start.at.Span(), "%s", start.note)
	}
}

// overText reports whether at is a text already reported for being longer
// than the platform takes (checker.text).
func (w *answerWalk) overText(at ast.Node) bool {
	x, ok := at.(*ast.Expr)
	if !ok {
		return false
	}
	s, ok := w.c.info.Values[x].(string)
	return ok && w.p.Limits.MaxText > 0 && utf8.RuneCountInString(s) > w.p.Limits.MaxText
}
