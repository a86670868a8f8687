package load

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/callflow/callflow/runtime/reload"
)

// R1Config configures figure R1.
type R1Config struct {
	FlowsDir string        // the shipped flows: reception.flow and vips.csv are read from it
	Duration time.Duration // webhooks at full speed for at least this long (default 5s)
	Rewrites int           // changes to the flows folder, spread over Duration (default 20)
	Conns    int           // concurrent connections: half send tencent webhooks, half run 8x8 calls (default 16)
	Deadline time.Duration // longest wait for one change to show (default 10s)
}

// R1Result is figure R1: reload under load.
type R1Result struct {
	Elapsed  time.Duration
	Webhooks int64 // answered, all checked: the load's and the probes'
	Tencent  int64 // tencent webhooks
	EightX8  int64 // 8x8 webhooks
	// Calls are 8x8 calls: Started, Finished (all four webhooks answered by
	// the version the call started on), Crossed (finished on their version
	// although a newer state of their flow, a new version or its deletion,
	// had answered other calls meanwhile) and Fallback (new calls to a
	// deleted flow, answered with the safe hang-up).
	CallsStarted, CallsFinished, CallsCrossed, CallsFallback int64
	TencentFallbacks                                         int64 // the bound-IVR fallback of a deleted tencent flow
	Rewrites                                                 map[string]int
	Reloads                                                  int       // reload events
	InvalidKept                                              int       // invalid edits after which the last good version was seen serving
	ChangeLatency                                            Latencies // under load: write to the new state answering

	Failures      int64 // failed or malformed answers, wrong versions, changes that did not show
	FirstFailures []string
	Panics        int64
	LogErrors     int64 // error lines of the server and the engine
	ErrorSamples  []string
	LookupsFailed int64
}

// tracker follows one version-marked flow file: every generation written
// (agent <gen> on tencent, "v<gen> …" on 8x8) and every deletion. Its
// states are ordered in time: gen k is 2k, its deletion 2k+1. An answer
// must come from a state that was written before it arrived, and never from
// one older than a state some answer that completed before its webhook was
// sent came from: what one caller saw, no later caller unsees.
type tracker struct {
	file, name, number string
	eight              bool

	mu         sync.Mutex
	written    map[int]bool
	lastDelete int64 // the state of the latest deletion, -1 none
	floor      atomic.Int64

	gen int // the latest generation written; the rewriter's alone
}

func newTracker(file, name, number string, eight bool) *tracker {
	return &tracker{file: file, name: name, number: number, eight: eight, written: map[int]bool{1: true}, lastDelete: -1, gen: 1}
}

func (t *tracker) src(gen int) string {
	if t.eight {
		return ivrFlow(t.name, t.number, gen)
	}
	return tencentFlow(t.name, t.number, gen)
}

// next records the next generation as written; call it before the write.
func (t *tracker) next() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.gen++
	t.written[t.gen] = true
	return t.gen
}

// deleting records a deletion; call it before the file goes.
func (t *tracker) deleting() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.lastDelete = 2*int64(t.gen) + 1
}

func describe(state int64) string {
	if state%2 == 1 {
		return fmt.Sprintf("the deletion after v%d", state/2)
	}
	return fmt.Sprintf("v%d", state/2)
}

// settle checks that an answer of gen (0: the fallback) to a webhook sent
// when the floor was from is possible, and raises the floor.
func (t *tracker) settle(from int64, gen int) error {
	t.mu.Lock()
	var state int64
	switch {
	case gen > 0 && !t.written[gen]:
		t.mu.Unlock()
		return fmt.Errorf("%s answered v%d, which was never written", t.file, gen)
	case gen > 0:
		state = 2 * int64(gen)
	case t.lastDelete < 0:
		t.mu.Unlock()
		return fmt.Errorf("%s answered the fallback, but it was never deleted", t.file)
	default:
		state = t.lastDelete
	}
	t.mu.Unlock()
	if state < from {
		return fmt.Errorf("%s answered %s, after %s had answered", t.file, describe(state), describe(from))
	}
	for {
		cur := t.floor.Load()
		if state <= cur || t.floor.CompareAndSwap(cur, state) {
			return nil
		}
	}
}

type r1 struct {
	cfg       R1Config
	stack     *Stack
	dir       string
	reception []byte
	exp       *expected
	fails     failures

	hello, kube, menu, kubemenu *tracker
	kubeDir                     string // the ..data target now
	kubeN                       int

	tencent, eight                                    atomic.Int64
	started, finished, crossed, fallback, tencentBack atomic.Int64

	rewrites      map[string]int
	invalidKept   int
	changeLatency Latencies
	invalidN      int
}

// RunR1 measures R1 on the serve-equivalent stack: webhooks at full speed
// (tencent calls to reception.flow, with its lookup on a loopback CRM, and
// to the version-marked hello.flow and kube.flow; 8x8 calls of four
// webhooks to menu.flow and kubemenu.flow, whose every text names their
// version) while the folder changes Rewrites times, in a fixed cycle: valid
// in-place edits, rename saves, invalid edits (syntax and checker errors),
// deletions and re-creations, an edit of reception.flow, and Kubernetes
// `..data` symlink swaps of the volume holding kube.flow and kubemenu.flow.
// Every answer is checked: a 200 with JSON of the platform's shape, from a
// state of the flow that can be answering, every 8x8 call finishing on the
// version it started on, and every change seen answering (an invalid edit:
// its error reported while the last good version serves).
func RunR1(ctx context.Context, cfg R1Config) (*R1Result, error) {
	if cfg.Duration <= 0 {
		cfg.Duration = 5 * time.Second
	}
	if cfg.Rewrites <= 0 {
		cfg.Rewrites = 20
	}
	if cfg.Conns < 2 {
		cfg.Conns = 16
	}
	if cfg.Deadline <= 0 {
		cfg.Deadline = 10 * time.Second
	}
	crm, err := StartCRM()
	if err != nil {
		return nil, err
	}
	defer crm.Close()
	reception, vips, err := receptionFlow(cfg.FlowsDir, crm.URL)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "callflow-r1-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	exp, err := receptionExpected(vips)
	if err != nil {
		return nil, err
	}
	r := &r1{cfg: cfg, dir: dir, reception: reception, exp: exp, rewrites: map[string]int{},
		hello:    newTracker("hello.flow", "hello", HelloNumber, false),
		menu:     newTracker("menu.flow", "menu", IVRNumber, true),
		kube:     newTracker("kube.flow", "kube", KubeNumber, false),
		kubemenu: newTracker("kubemenu.flow", "kubemenu", KubeIVRNumber, true),
	}
	if err := r.layout(vips); err != nil {
		return nil, err
	}
	stack, err := StartStack(dir)
	if err != nil {
		return nil, err
	}
	defer stack.Close()
	if err := CheckLoopbackURL(stack.URL); err != nil {
		return nil, err
	}
	r.stack = stack
	lookups := stack.Lookups.Failed()

	client := LoadClient(cfg.Conns + 1)
	defer client.CloseIdleConnections()
	probe := &poster{c: client}
	// Every flow answers before the load starts.
	for _, t := range []*tracker{r.hello, r.kube, r.menu, r.kubemenu} {
		if err := r.await(probe, t, 1, nil); err != nil {
			return nil, fmt.Errorf("R1: before any change: %v", err)
		}
	}
	if err := r.checkReception(probe, 0, 0); err != nil {
		return nil, fmt.Errorf("R1: before any change: %v", err)
	}

	start := time.Now()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	tencentWorkers := cfg.Conns / 2
	for w := range cfg.Conns {
		wg.Go(func() {
			p := &poster{c: client}
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				if ctx.Err() != nil {
					return
				}
				if w < tencentWorkers {
					r.tencentOnce(p, w, n)
				} else if n%2 == 0 {
					r.call(p, r.menu, fmt.Sprintf("w%d-%d", w, n))
				} else {
					r.call(p, r.kubemenu, fmt.Sprintf("w%d-%d", w, n))
				}
			}
		})
	}

	ops := r.ops()
	every := cfg.Duration / time.Duration(cfg.Rewrites+1)
	for i := range cfg.Rewrites {
		t := time.NewTimer(time.Until(start.Add(time.Duration(i+1) * every)))
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
		}
		if ctx.Err() != nil {
			break
		}
		op := ops[i%len(ops)]
		r.rewrites[op.name]++
		if err := op.do(probe, i); err != nil {
			r.fails.add("change %d (%s): %v", i+1, op.name, err)
		}
	}
	if left := time.Until(start.Add(cfg.Duration)); left > 0 && ctx.Err() == nil {
		t := time.NewTimer(left)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
		}
	}
	close(stop)
	wg.Wait()
	elapsed := time.Since(start)

	res := &R1Result{
		Elapsed: elapsed, Tencent: r.tencent.Load(), EightX8: r.eight.Load(),
		CallsStarted: r.started.Load(), CallsFinished: r.finished.Load(), CallsCrossed: r.crossed.Load(), CallsFallback: r.fallback.Load(),
		TencentFallbacks: r.tencentBack.Load(), Rewrites: r.rewrites, Reloads: len(stack.Events()) - 1,
		InvalidKept: r.invalidKept, ChangeLatency: r.changeLatency,
		Failures: r.fails.count(), FirstFailures: r.fails.messages(),
		Panics: stack.Log.Panics(), LogErrors: stack.Log.Errors(), ErrorSamples: stack.Log.Samples(),
		LookupsFailed: stack.Lookups.Failed() - lookups,
	}
	res.Webhooks = res.Tencent + res.EightX8
	return res, nil
}

// layout makes the served folder: reception.flow and vips.csv, hello.flow
// and menu.flow as plain files, and a Kubernetes ConfigMap volume
// (..data → ..v0001/, kube.flow → ..data/kube.flow, kubemenu.flow →
// ..data/kubemenu.flow).
func (r *r1) layout(vips []byte) error {
	for name, data := range map[string][]byte{
		"reception.flow": r.reception, "vips.csv": vips,
		"hello.flow": []byte(r.hello.src(1)), "menu.flow": []byte(r.menu.src(1)),
	} {
		if err := writeFile(filepath.Join(r.dir, name), data); err != nil {
			return err
		}
	}
	if err := r.volume(); err != nil {
		return err
	}
	for _, name := range []string{r.kube.file, r.kubemenu.file} {
		if err := os.Symlink(filepath.Join("..data", name), filepath.Join(r.dir, name)); err != nil {
			return err
		}
	}
	return nil
}

// volume writes the ConfigMap's next timestamped folder with kube.flow and
// kubemenu.flow at their current generations and swaps ..data to it, as
// kubelet's atomic writer does, then removes the old folder.
func (r *r1) volume() error {
	r.kubeN++
	name := fmt.Sprintf("..2026_01_01_%04d", r.kubeN)
	for _, t := range []*tracker{r.kube, r.kubemenu} {
		if err := writeFile(filepath.Join(r.dir, name, t.file), []byte(t.src(t.gen))); err != nil {
			return err
		}
	}
	tmp := filepath.Join(r.dir, "..data_tmp")
	if err := os.Symlink(name, tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(r.dir, "..data")); err != nil {
		return err
	}
	old := r.kubeDir
	r.kubeDir = name
	if old != "" {
		return os.RemoveAll(filepath.Join(r.dir, old))
	}
	return nil
}

type r1op struct {
	name string
	do   func(p *poster, i int) error
}

// ops is the cycle of changes.
func (r *r1) ops() []r1op {
	valid := func(t *tracker, save func(string, []byte) error) func(*poster, int) error {
		return func(p *poster, _ int) error {
			gen := t.next()
			start := time.Now()
			if err := save(filepath.Join(r.dir, t.file), []byte(t.src(gen))); err != nil {
				return err
			}
			return r.await(p, t, gen, &start)
		}
	}
	inPlaceEdit := func(name string, data []byte) error { return inPlace(name, data, false) }
	create := func(name string, data []byte) error { return inPlace(name, data, true) }
	invalid := func(t *tracker, save func(string, []byte) error) func(*poster, int) error {
		return func(p *poster, _ int) error {
			before, err := r.status(p, t.file)
			if err != nil {
				return err
			}
			if before.Status != reload.StatusOK || !before.Serving {
				return fmt.Errorf("%s is %s before the invalid edit", t.file, before.Status)
			}
			r.invalidN++
			if err := save(filepath.Join(r.dir, t.file), []byte(invalidFlow(t.src(t.gen), r.invalidN))); err != nil {
				return err
			}
			if err := r.waitStatus(p, t.file, "in error, with the last good version serving", func(st reload.FlowStatus) bool {
				return st.Status == reload.StatusError && st.Serving && st.Version == before.Version && len(st.Diagnostics) > 0
			}); err != nil {
				return err
			}
			// The last good version answers at once.
			from := t.floor.Load()
			got, err := r.ask(p, t, "probe-invalid-"+strconv.Itoa(r.invalidN))
			if err != nil {
				return err
			}
			if err := t.settle(from, got); err != nil {
				return err
			}
			if got != t.gen {
				return fmt.Errorf("%s answers v%d after an invalid edit, want the last good v%d", t.file, got, t.gen)
			}
			r.invalidKept++
			return nil
		}
	}
	remove := func(t *tracker) func(*poster, int) error {
		return func(p *poster, _ int) error {
			t.deleting()
			if err := os.Remove(filepath.Join(r.dir, t.file)); err != nil {
				return err
			}
			if err := r.waitStatus(p, t.file, "deleted", func(st reload.FlowStatus) bool {
				return st.Status == reload.StatusDeleted && !st.Serving
			}); err != nil {
				return err
			}
			return r.await(p, t, 0, nil)
		}
	}
	swap := func(p *poster, _ int) error {
		kg, mg := r.kube.next(), r.kubemenu.next()
		start := time.Now()
		if err := r.volume(); err != nil {
			return err
		}
		if err := r.await(p, r.kube, kg, &start); err != nil {
			return err
		}
		return r.await(p, r.kubemenu, mg, &start)
	}
	editReception := func(p *poster, i int) error {
		before, err := r.status(p, "reception.flow")
		if err != nil {
			return err
		}
		src := append(slices.Clip(r.reception), fmt.Sprintf("\n# edit %d\n", i)...)
		if err := inPlace(filepath.Join(r.dir, "reception.flow"), src, false); err != nil {
			return err
		}
		if err := r.waitStatus(p, "reception.flow", "a new version", func(st reload.FlowStatus) bool {
			return st.Status == reload.StatusOK && st.Serving && st.Version != before.Version
		}); err != nil {
			return err
		}
		return r.checkReception(p, 99, i)
	}
	return []r1op{
		{"valid in-place edit", valid(r.hello, inPlaceEdit)},
		{"rename save", valid(r.menu, renameSave)},
		{"invalid edit (in place)", invalid(r.hello, inPlaceEdit)},
		{"..data symlink swap", swap},
		{"invalid edit (rename save)", invalid(r.menu, renameSave)},
		{"rename save", valid(r.hello, renameSave)},
		{"delete", remove(r.menu)},
		{"valid in-place edit (reception)", editReception},
		{"re-create (rename save)", valid(r.menu, renameSave)},
		{"delete", remove(r.hello)},
		{"..data symlink swap", swap},
		{"re-create (write)", valid(r.hello, create)},
	}
}

// ask sends one new call to t's flow and returns the generation that
// answered (0: the fallback); an 8x8 call is run to its end.
func (r *r1) ask(p *poster, t *tracker, session string) (int, error) {
	if !t.eight {
		body := newTencentTemplate(Caller, t.number).body(nil, session+"-", 0, 0)
		out, err := p.post(r.stack.URL+"/hooks/tencent", body)
		if err != nil {
			return 0, fmt.Errorf("%s: %v", t.file, err)
		}
		r.tencent.Add(1)
		gen, err := agentOf(out)
		if err == nil && gen == 0 {
			r.tencentBack.Add(1)
		}
		return gen, err
	}
	return r.runCall(p, t, session)
}

// await sends new calls to t's flow back to back until gen answers (0: the
// fallback), checking every answer; with start, it records the time from
// start to that answer.
func (r *r1) await(p *poster, t *tracker, gen int, start *time.Time) error {
	deadline := time.Now().Add(r.cfg.Deadline)
	for n := 0; ; n++ {
		from := t.floor.Load()
		got, err := r.ask(p, t, fmt.Sprintf("probe-%s-%d-%d", t.name, gen, n))
		if err != nil {
			return err
		}
		if err := t.settle(from, got); err != nil {
			return err
		}
		if got == gen {
			if start != nil {
				r.changeLatency = append(r.changeLatency, time.Since(*start))
			}
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s still answers %s %s after the change, want %s", t.file, describe(2*int64(got)), r.cfg.Deadline, describe(2*int64(gen)))
		}
	}
}

// status is a flow's entry in GET /v1/flows.
func (r *r1) status(p *poster, file string) (reload.FlowStatus, error) {
	var st reload.Status
	if err := p.getJSON(r.stack.URL+"/v1/flows", &st); err != nil {
		return reload.FlowStatus{}, err
	}
	for _, f := range st.Flows {
		if f.File == file {
			return f, nil
		}
	}
	return reload.FlowStatus{}, fmt.Errorf("%s is not in /v1/flows", file)
}

// waitStatus waits, reload by reload, until file's status satisfies ok.
func (r *r1) waitStatus(p *poster, file, what string, ok func(reload.FlowStatus) bool) error {
	deadline := time.NewTimer(r.cfg.Deadline)
	defer deadline.Stop()
	for {
		next := r.stack.reloaded()
		st, err := r.status(p, file)
		if err != nil {
			return err
		}
		if ok(st) {
			return nil
		}
		select {
		case <-next:
		case <-deadline.C:
			b, _ := json.Marshal(st)
			return fmt.Errorf("%s not %s after %s: %s", file, what, r.cfg.Deadline, b)
		}
	}
}

// receptionCallers cover every rule of reception.flow: in vips.csv, a VIP
// in the CRM, a mainland caller, anyone else.
var receptionCallers = []string{Caller, "+8613066668888", CRMVIP, "+14155550123"}

// checkReception sends one webhook to reception.flow and checks the
// answer is the hand-written decision.
func (r *r1) checkReception(p *poster, w, n int) error {
	caller := receptionCallers[n%len(receptionCallers)]
	body := newTencentTemplate(caller, ReceptionNumber).body(nil, "r1-reception-", w, n)
	sent := time.Now()
	out, err := p.post(r.stack.URL+"/hooks/tencent", body)
	if err != nil {
		return fmt.Errorf("reception.flow: %v", err)
	}
	r.tencent.Add(1)
	if err := r.exp.check(caller, body, out, sent); err != nil {
		return fmt.Errorf("reception.flow (%s): %v", caller, err)
	}
	return nil
}

// tencentOnce is one tencent webhook of the load: to reception.flow,
// hello.flow or kube.flow in turn.
func (r *r1) tencentOnce(p *poster, w, n int) {
	switch n % 3 {
	case 0:
		if err := r.checkReception(p, w, n/3); err != nil {
			r.fails.add("%v", err)
		}
	default:
		t := r.hello
		if n%3 == 2 {
			t = r.kube
		}
		from := t.floor.Load()
		got, err := r.ask(p, t, fmt.Sprintf("r1-w%d-%d", w, n))
		if err == nil {
			err = t.settle(from, got)
		}
		if err != nil {
			r.fails.add("%v", err)
		}
	}
}

// call runs one 8x8 call of the load.
func (r *r1) call(p *poster, t *tracker, session string) {
	if _, err := r.runCall(p, t, session); err != nil {
		r.fails.add("%v", err)
	}
}

// runCall runs an 8x8 call to t's flow: CALL_RECEIVED, then three digits.
// Every answer must come from the version the first one came from (0 is
// the fallback, which ends the call at once).
func (r *r1) runCall(p *poster, t *tracker, session string) (int, error) {
	from := t.floor.Load()
	out, err := p.post(r.stack.URL+"/hooks/8x8", eightBody(session, 0, t.number, "", nil))
	if err != nil {
		return 0, fmt.Errorf("%s: call %s: first webhook: %v", t.file, session, err)
	}
	r.eight.Add(1)
	var a eightAnswer
	if err := decodeStrict(out, &a); err != nil {
		return 0, fmt.Errorf("%s: call %s: malformed answer %s: %v", t.file, session, clip(out), err)
	}
	gen, err := genOf8x8(&a, out)
	if err != nil {
		return 0, fmt.Errorf("%s: call %s: %v", t.file, session, err)
	}
	if err := t.settle(from, gen); err != nil {
		return 0, fmt.Errorf("call %s: %v", session, err)
	}
	if gen == 0 {
		r.fallback.Add(1)
		return 0, nil
	}
	r.started.Add(1)
	// The hash wraps; unsigned, so every key is 1..9 (a signed one went
	// negative, and "-5" is no key a caller can press).
	var h uint
	for _, c := range session {
		h = h*31 + uint(c)
	}
	digits := [3]string{strconv.Itoa(int(1 + h%9)), strconv.Itoa(int(1 + (h/9)%9)), strconv.Itoa(int(1 + (h/81)%9))}
	want := [3]struct {
		text string
		acts []string
	}{
		{fmt.Sprintf("v%d second digit after %s", gen, digits[0]), []string{"sayAndCapture"}},
		{fmt.Sprintf("v%d third digit after %s%s", gen, digits[0], digits[1]), []string{"sayAndCapture"}},
		{fmt.Sprintf("v%d you pressed %s%s%s", gen, digits[0], digits[1], digits[2]), []string{"say", "hangup"}},
	}
	resume := a.ClientActionID
	for i, w := range want {
		out, err := p.post(r.stack.URL+"/hooks/8x8", eightBody(session, i+1, t.number, resume, &digits[i]))
		if err != nil {
			return gen, fmt.Errorf("%s: call %s on v%d: webhook %d: %v", t.file, session, gen, i+2, err)
		}
		r.eight.Add(1)
		var a eightAnswer
		if err := decodeStrict(out, &a); err != nil {
			return gen, fmt.Errorf("%s: call %s on v%d: webhook %d: malformed answer %s: %v", t.file, session, gen, i+2, clip(out), err)
		}
		last := i == len(want)-1
		if texts := a.texts(); len(texts) != 1 || texts[0] != w.text || !slices.Equal(a.actions(), w.acts) || (a.ClientActionID == "") != last {
			return gen, fmt.Errorf("%s: call %s started on v%d: webhook %d answered %s, want %q", t.file, session, gen, i+2, clip(out), w.text)
		}
		resume = a.ClientActionID
	}
	r.finished.Add(1)
	if t.floor.Load() > 2*int64(gen) {
		r.crossed.Add(1)
	}
	return gen, nil
}
