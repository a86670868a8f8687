package load

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/callflow/callflow/runtime/platform"
	"github.com/callflow/callflow/runtime/tencent"
)

// The scenarios of scale.md §6. Each returns an error describing the first
// thing a caller would have noticed.

// RunSpread runs calls 8x8 calls concurrently, each webhook of a call on
// the next replica (call n's webhook k on replica (n+k) mod N), and
// returns them for comparison with a run on one replica.
func RunSpread(ctx context.Context, cl *Cluster, prefix string, calls int) ([]*IVRCall, error) {
	out := make([]*IVRCall, calls)
	errs := make([]error, calls)
	var wg sync.WaitGroup
	for n := range calls {
		out[n] = NewIVRCall(prefix, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := out[n]
			for !c.Done() {
				if err := cl.Step(ctx, (n+c.Next)%len(cl.Replicas), c); err != nil {
					errs[n] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

// RunKill starts calls on replica victim (their first two webhooks), kills
// it with SIGKILL, and finishes every call on the other replicas; then
// starts the victim again and runs one call through it and the others.
func RunKill(ctx context.Context, cl *Cluster, victim, calls int) error {
	if len(cl.Replicas) < 2 {
		return errors.New("load: killing a replica needs another to go on")
	}
	list := make([]*IVRCall, calls)
	for n := range list {
		list[n] = NewIVRCall("killed", n)
		for range 2 {
			if err := cl.Step(ctx, victim, list[n]); err != nil {
				return err
			}
		}
	}
	cl.Replicas[victim].Proc.Kill()
	restarted := false
	defer func() {
		if !restarted { // whatever failed, the next scenario has every replica
			cl.Start(ctx, cl.Replicas[victim])
		}
	}()
	others := make([]int, 0, len(cl.Replicas)-1)
	for i := range cl.Replicas {
		if i != victim {
			others = append(others, i)
		}
	}
	for n, c := range list {
		for k := 0; !c.Done(); k++ {
			if err := cl.Step(ctx, others[(n+k)%len(others)], c); err != nil {
				return fmt.Errorf("after replica %d was killed: %v", victim, err)
			}
		}
	}
	restarted = true
	if err := cl.Start(ctx, cl.Replicas[victim]); err != nil {
		return fmt.Errorf("starting replica %d again: %v", victim, err)
	}
	c := NewIVRCall("after-kill", 0)
	for !c.Done() {
		i := victim
		if c.Next%2 == 1 {
			i = others[0]
		}
		if err := cl.Step(ctx, i, c); err != nil {
			return fmt.Errorf("after replica %d came back: %v", victim, err)
		}
	}
	return nil
}

// fanOut sends body to path on every replica at once, copies times in
// all, spread over the replicas, and returns the statuses and bodies.
func fanOut(ctx context.Context, cl *Cluster, path string, body []byte, copies int) ([]int, [][]byte, []time.Duration, error) {
	statuses, bodies, took := make([]int, copies), make([][]byte, copies), make([]time.Duration, copies)
	errs := make([]error, copies)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for n := range copies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			statuses[n], bodies[n], took[n], errs[n] = cl.Post(ctx, n%len(cl.Replicas), path, body)
		}()
	}
	close(start)
	wg.Wait()
	return statuses, bodies, took, errors.Join(errs...)
}

// identicalAnswers checks that every answer is a 200 within budget, byte for
// byte the first.
func identicalAnswers(what string, statuses []int, bodies [][]byte, took []time.Duration, budget time.Duration) error {
	for n := range statuses {
		if statuses[n] != http.StatusOK || took[n] > budget {
			return fmt.Errorf("%s: copy %d answered %d in %s (budget %s): %s", what, n, statuses[n], took[n], budget, clip(bodies[n]))
		}
		if string(bodies[n]) != string(bodies[0]) {
			return fmt.Errorf("%s: copy %d answered %s, copy 0 %s", what, n, clip(bodies[n]), clip(bodies[0]))
		}
	}
	return nil
}

// RunSameDelivery sends one tencent delivery (whose flow looks the caller
// up in the CRM) to every replica at once, and then one 8x8 step: every
// copy gets the same answer, and the lookup runs once. round makes the
// deliveries of each run distinct.
func RunSameDelivery(ctx context.Context, cl *Cluster, round int) error {
	caller := fmt.Sprintf("+86131%08d", 60000000+round) // mainland, not a VIP: the flow asks the CRM
	body, err := tencent.New().Webhook(platform.Call{Session: "same-" + strconv.Itoa(round), Caller: caller, Callee: ReceptionNumber, Bound: platform.Bound{IVRID: BoundIVR}})
	if err != nil {
		return err
	}
	before := cl.CRM.Requests.Load()
	statuses, bodies, took, err := fanOut(ctx, cl, "/hooks/tencent", body, len(cl.Replicas))
	if err != nil {
		return err
	}
	if err := identicalAnswers("one tencent delivery on every replica", statuses, bodies, took, cl.TencentBudget()); err != nil {
		return err
	}
	if n := cl.CRM.Requests.Load() - before; n != 1 {
		return fmt.Errorf("one tencent delivery on %d replicas: the CRM was asked %d times, want once", len(cl.Replicas), n)
	}

	c := NewIVRCall(fmt.Sprintf("same-8x8-%d", round), 0)
	if err := cl.Step(ctx, 0, c); err != nil {
		return err
	}
	statuses, bodies, took, err = fanOut(ctx, cl, "/hooks/8x8", c.body(), len(cl.Replicas))
	if err != nil {
		return err
	}
	if err := identicalAnswers("one 8x8 step on every replica", statuses, bodies, took, budget8x8); err != nil {
		return err
	}
	if err := c.take(bodies[0], 0); err != nil {
		return err
	}
	for !c.Done() {
		if err := cl.Step(ctx, c.Next%len(cl.Replicas), c); err != nil {
			return fmt.Errorf("after the duplicated step: %v", err)
		}
	}
	return nil
}

// RunOneTrigger sends copies of one callback trigger spread over the
// replicas at once: the platform stand-in gets exactly one callback, and
// every copy the same answer.
func RunOneTrigger(ctx context.Context, cl *Cluster, id string, copies int) error {
	body := []byte(`{"id":"` + id + `","from":"+84988888888","to":"+6561112222"}`)
	before := cl.Platform.Callbacks.Load()
	statuses, bodies, took, err := fanOut(ctx, cl, "/hooks/callback/callme", body, copies)
	if err != nil {
		return err
	}
	if n := cl.Platform.Callbacks.Load() - before; n != 1 {
		return fmt.Errorf("%d copies of trigger %s on %d replicas: the platform got %d callbacks, want 1", copies, id, len(cl.Replicas), n)
	}
	return identicalAnswers(fmt.Sprintf("%d copies of trigger %s", copies, id), statuses, bodies, took, budgetTrigger)
}

var reloadedIVR = regexp.MustCompile(`"msg":"flows reloaded".*"activated":\["menu@`)

// RollingRestart is what RunRollingRestart saw.
type RollingRestart struct {
	Calls []*IVRCall // calls started on v1 before the edit
	// Unfinished are the calls whose last webhook landed on a replica that
	// never loaded v1, left for FinishOnNewReplicas.
	Unfinished []*IVRCall
}

// RunRollingRestart starts calls on v1 of the IVR, edits the flow on
// every replica to v2 (as a ConfigMap update does), goes on with the calls
// (the replicas hold v1 for them), restarts the replicas one by one
// (SIGTERM, start: each then knows only v2), checks that new calls start
// on v2, and leaves the calls' last webhooks for FinishOnNewReplicas: they
// need the replicas to resume on a version they never loaded.
func RunRollingRestart(ctx context.Context, cl *Cluster, calls int) (*RollingRestart, error) {
	rr := &RollingRestart{}
	for n := range calls {
		c := NewIVRCall("rolling", n)
		for range 2 {
			if err := cl.Step(ctx, (n+c.Next)%len(cl.Replicas), c); err != nil {
				return rr, err
			}
		}
		if c.Gen != 1 {
			return rr, fmt.Errorf("call %s started on v%d before the edit, want v1", c.Session, c.Gen)
		}
		rr.Calls = append(rr.Calls, c)
	}
	if err := cl.EditIVR(ctx, 2); err != nil {
		return rr, err
	}
	for n, c := range rr.Calls {
		if err := cl.Step(ctx, (n+c.Next)%len(cl.Replicas), c); err != nil {
			return rr, fmt.Errorf("after the edit to v2: %v", err)
		}
	}
	for _, r := range cl.Replicas {
		if err := r.Proc.Stop(15 * time.Second); err != nil {
			return rr, err
		}
		if err := cl.Start(ctx, r); err != nil {
			return rr, err
		}
		c := NewIVRCall(fmt.Sprintf("rolled-%d", r.Index), 0)
		status, out, _, err := cl.Post(ctx, r.Index, "/hooks/8x8", c.body())
		if err != nil || status != http.StatusOK {
			return rr, fmt.Errorf("a new call on replica %d after its restart: %d %v %s", r.Index, status, err, clip(out))
		}
		if err := c.take(out, 2); err != nil {
			return rr, fmt.Errorf("a new call on replica %d after its restart: %v", r.Index, err)
		}
	}
	rr.Unfinished = rr.Calls
	return rr, nil
}

// FinishOnNewReplicas sends the last webhook of each call of a rolling
// restart to a replica started after the edit, which never loaded the
// version the call is on: it must fetch that version and end the call on
// it (v1), not on v2 nor with the safe fallback.
func FinishOnNewReplicas(ctx context.Context, cl *Cluster, rr *RollingRestart) error {
	for n, c := range rr.Unfinished {
		if err := cl.Step(ctx, n%len(cl.Replicas), c); err != nil {
			return fmt.Errorf("a call on v1 resumed on a replica that never loaded v1: %v", err)
		}
		if !c.Done() {
			return fmt.Errorf("call %s has not ended", c.Session)
		}
	}
	return nil
}

// EditIVR rewrites the IVR flow on every replica to version gen (a rename
// save) and waits until each has activated it.
func (cl *Cluster) EditIVR(ctx context.Context, gen int) error {
	marks := make([]int, len(cl.Replicas))
	for i, r := range cl.Replicas {
		marks[i] = r.Proc.Lines()
		if err := renameSave(filepath.Join(r.Dir, IVRFlowFile), []byte(ivrFlow(ivrFlowName, IVRNumber, gen))); err != nil {
			return err
		}
	}
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for i, r := range cl.Replicas {
		if _, err := r.Proc.WaitLine(wctx, reloadedIVR, marks[i]); err != nil {
			return err
		}
	}
	return nil
}

// RedisControl stops and starts the Redis a cluster shares.
type RedisControl interface {
	Stop() error
	Start() error
}

// The lines a replica logs when its shared store goes and comes back
// (runtime/degrade).
var (
	degradedLine = regexp.MustCompile(`"msg":"shared store unavailable`)
	backLine     = regexp.MustCompile(`"msg":"shared store back`)
)

// outageRuns numbers the runs of RunRedisOutage.
var outageRuns atomic.Int64

// Outage is what RunRedisOutage saw.
type Outage struct {
	Answers   int64        // webhooks answered, each a 200 within its budget
	Fallbacks int64        // 8x8 calls ended by the safe fallback (their session was only in the stopped Redis, or only on another replica while degraded)
	Finished  int64        // 8x8 calls that went to their end
	Degraded  int64        // of them, calls begun on a degraded replica, all their webhooks on it
	begun     atomic.Int64 // such calls begun
	After     int64        // of them, calls begun after Redis came back, spread over the replicas
	Slowest   time.Duration
}

// The phases of an outage, as the callers see them.
const (
	phaseBefore   = iota // Redis up
	phaseStopping        // Redis stopped; not every replica has said it is degraded
	phaseDegraded        // every replica said it serves degraded
	phaseStarting        // Redis started; not every replica has said it is back
	phaseBack            // every replica said it is back
)

// RunRedisOutage keeps webhooks going to every replica (tencent deliveries
// and 8x8 calls spread over the replicas, workers at a time), stops Redis
// once answers have flowed, waits until every replica says it serves
// degraded, starts Redis again and waits until every replica says it is
// back, then checks that calls started afterwards go on across replicas.
// Every answer, all along, must be a 200 within its platform's budget;
// perPhase answers are counted in each phase. Half the callers keep each
// call on one replica (as a load balancer may happen to): such a call begun
// while its replica is degraded must end normally, as on one replica
// alone; so must every call begun once Redis is back. Other calls may end
// with the safe fallback: their session was in the Redis that stopped (and
// came back empty), or on another replica while degraded.
func RunRedisOutage(ctx context.Context, cl *Cluster, redis RedisControl, workers, perPhase int) (*Outage, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	out := &Outage{}
	var slowest atomic.Int64
	answered := make(chan struct{}, workers)
	var errMu sync.Mutex
	var firstErr error
	failed := func(err error) {
		errMu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		errMu.Unlock()
		cancel(err)
	}
	var phase atomic.Int32
	run := outageRuns.Add(1) // calls of each outage are new calls, never copies of earlier ones
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ctx.Err() == nil; n++ {
				if err := outageCall(ctx, cl, fmt.Sprintf("outage%d-%d-%d", run, w, n), w+n, &phase, out, &slowest, answered); err != nil {
					if ctx.Err() == nil {
						failed(err)
					}
					return
				}
			}
		}()
	}
	count := func(k int) error {
		for range k {
			select {
			case <-answered:
			case <-ctx.Done():
				return context.Cause(ctx)
			}
		}
		return nil
	}
	every := func(re *regexp.Regexp, marks []int) error {
		wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		go func() { // keep the workers' answers flowing while waiting
			for {
				select {
				case <-answered:
				case <-wctx.Done():
					return
				}
			}
		}()
		for i, r := range cl.Replicas {
			if _, err := r.Proc.WaitLine(wctx, re, marks[i]); err != nil {
				return err
			}
		}
		return nil
	}
	marks := func() []int {
		m := make([]int, len(cl.Replicas))
		for i, r := range cl.Replicas {
			m[i] = r.Proc.Lines()
		}
		return m
	}
	err := count(perPhase)
	if err == nil {
		m := marks()
		if err = redis.Stop(); err == nil {
			phase.Store(phaseStopping)
			if err = every(degradedLine, m); err == nil {
				phase.Store(phaseDegraded)
				err = cl.checkStatus(ctx, "degraded")
			}
		}
	}
	if err == nil {
		err = count(perPhase)
	}
	for err == nil && out.begun.Load() == 0 {
		err = count(1)
	}
	if err == nil {
		m := marks()
		if err = redis.Start(); err == nil {
			phase.Store(phaseStarting)
			if err = every(backLine, m); err == nil {
				phase.Store(phaseBack)
				err = cl.checkStatus(ctx, "ok")
			}
		}
	}
	if err == nil {
		err = count(perPhase)
	}
	for err == nil && (atomic.LoadInt64(&out.After) < int64(len(cl.Replicas)) || atomic.LoadInt64(&out.Degraded) == 0) {
		err = count(1)
	}
	cancel(errors.New("done"))
	wg.Wait()
	out.Slowest = time.Duration(slowest.Load())
	if firstErr != nil {
		return out, firstErr
	}
	return out, err
}

// outageCall is one tencent delivery and one 8x8 call, each webhook on the
// next replica, or all on one when sticky.
func outageCall(ctx context.Context, cl *Cluster, session string, first int, phase *atomic.Int32, out *Outage, slowest *atomic.Int64, answered chan<- struct{}) error {
	note := func(took time.Duration) {
		for {
			s := slowest.Load()
			if int64(took) <= s || slowest.CompareAndSwap(s, int64(took)) {
				break
			}
		}
		atomic.AddInt64(&out.Answers, 1)
		select {
		case answered <- struct{}{}:
		case <-ctx.Done():
		}
	}
	body, err := tencent.New().Webhook(platform.Call{Session: session, Caller: Caller, Callee: ReceptionNumber, Bound: platform.Bound{IVRID: BoundIVR}})
	if err != nil {
		return err
	}
	i := first % len(cl.Replicas)
	status, got, took, err := cl.Post(ctx, i, "/hooks/tencent", body)
	if err != nil {
		return err
	}
	if status != http.StatusOK || took > cl.TencentBudget() {
		return fmt.Errorf("tencent %s on replica %d: %d in %s (budget %s): %s", session, i, status, took, cl.TencentBudget(), clip(got))
	}
	note(took)
	began := phase.Load()
	sticky := first%2 == 0
	mustFinish := began == phaseBack || (sticky && began == phaseDegraded)
	if sticky && began == phaseDegraded {
		out.begun.Add(1)
	}
	c := NewIVRCall(session, first)
	for !c.Done() {
		i := (first + c.Next) % len(cl.Replicas)
		if sticky {
			i = first % len(cl.Replicas)
		}
		step := c.Next
		status, got, took, err := cl.Post(ctx, i, "/hooks/8x8", c.body())
		if err != nil {
			return err
		}
		if status != http.StatusOK || took > budget8x8 {
			return fmt.Errorf("8x8 call %s webhook %d on replica %d: %d in %s (budget %s): %s", session, step, i, status, took, budget8x8, clip(got))
		}
		note(took)
		if err := c.take(got, 0); err != nil {
			if !mustFinish && isFallback(got) {
				atomic.AddInt64(&out.Fallbacks, 1)
				return nil
			}
			return fmt.Errorf("a call begun in phase %d of the outage (sticky %t), now in phase %d: %v", began, sticky, phase.Load(), err)
		}
	}
	atomic.AddInt64(&out.Finished, 1)
	switch {
	case began == phaseBack:
		atomic.AddInt64(&out.After, 1)
	case sticky && began == phaseDegraded:
		atomic.AddInt64(&out.Degraded, 1)
	}
	return nil
}

// isFallback says whether an 8x8 answer is the safe fallback: a hang-up,
// nothing said of the flow, no resume token.
func isFallback(raw []byte) bool {
	var a eightAnswer
	if json.Unmarshal(raw, &a) != nil || a.ClientActionID != "" {
		return false
	}
	acts := a.actions()
	return len(acts) > 0 && acts[len(acts)-1] == "hangup" && len(a.texts()) <= 1
}

// checkStatus checks that every replica's /v1/status says want, and that
// /readyz answers 200 all the same: a degraded replica stays in the load
// balancer.
func (cl *Cluster) checkStatus(ctx context.Context, want string) error {
	for i, r := range cl.Replicas {
		var st struct {
			Status string `json:"status"`
		}
		if err := cl.getJSON(ctx, r.URL+"/v1/status", &st); err != nil {
			return fmt.Errorf("replica %d: %v", i, err)
		}
		if st.Status != want {
			return fmt.Errorf("replica %d: /v1/status says %q, want %q", i, st.Status, want)
		}
		var ready map[string]any
		if err := cl.getJSON(ctx, r.URL+"/readyz", &ready); err != nil {
			return fmt.Errorf("replica %d, while %s: %v", i, want, err)
		}
	}
	return nil
}

// getJSON reads a 200 JSON answer to a GET.
func (cl *Cluster) getJSON(ctx context.Context, url string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := cl.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %d %s", url, resp.StatusCode, clip(body))
	}
	return json.Unmarshal(body, v)
}

// RunKillInFlight kills replica victim with SIGKILL while it is answering a
// tencent delivery (held at the CRM, so provably in flight), then sends the
// delivery again to the other replicas, as the platform retries: every
// retry is answered within budget, and within a few retries one runs the
// flow (its claim on the dead replica expired) and makes the decision the
// flow makes, not the safe fallback. The victim is started again.
func RunKillInFlight(ctx context.Context, cl *Cluster, victim, round int) (retries int, err error) {
	caller := fmt.Sprintf("+86131%08d", 70000000+round) // mainland, not a VIP: the flow asks the CRM
	body, err := tencent.New().Webhook(platform.Call{Session: fmt.Sprintf("inflight-%d", round), Caller: caller, Callee: ReceptionNumber, Bound: platform.Bound{IVRID: BoundIVR}})
	if err != nil {
		return 0, err
	}
	vips, err := readVIPs(cl.cfg.FlowsDir)
	if err != nil {
		return 0, err
	}
	exp, err := receptionExpected(vips)
	if err != nil {
		return 0, err
	}
	hold := cl.CRM.Hold(caller)
	defer hold.Release()
	lost := make(chan error, 1)
	go func() {
		_, _, _, err := cl.Post(ctx, victim, "/hooks/tencent", body)
		lost <- err
	}()
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	select {
	case <-hold.Asked:
	case <-wctx.Done():
		return 0, fmt.Errorf("the delivery never reached the CRM from replica %d", victim)
	}
	cl.Replicas[victim].Proc.Kill()
	defer func() {
		if serr := cl.Start(ctx, cl.Replicas[victim]); serr != nil && err == nil {
			err = fmt.Errorf("starting replica %d again: %v", victim, serr)
		}
	}()
	if err := <-lost; err == nil {
		return 0, fmt.Errorf("the delivery in flight on replica %d was answered although the replica was killed", victim)
	}
	hold.Release()
	const most = 4
	for retries = 1; retries <= most; retries++ {
		i := (victim + retries) % len(cl.Replicas)
		if i == victim {
			i = (i + 1) % len(cl.Replicas)
		}
		sent := time.Now()
		status, got, took, err := cl.Post(ctx, i, "/hooks/tencent", body)
		if err != nil {
			return retries, err
		}
		if status != http.StatusOK || took > cl.TencentBudget() {
			return retries, fmt.Errorf("retry %d of a delivery whose replica died, on replica %d: %d in %s (budget %s): %s", retries, i, status, took, cl.TencentBudget(), clip(got))
		}
		if exp.check(caller, body, got, sent) == nil {
			return retries, nil
		}
		if agent, err := agentOf(got); err != nil || agent != 0 {
			return retries, fmt.Errorf("retry %d of a delivery whose replica died: %s is neither the flow's decision nor the safe fallback", retries, clip(got))
		}
	}
	return retries, fmt.Errorf("%d retries of a delivery whose replica died got the safe fallback: its claim never expired", most)
}

// readVIPs reads the reception flow's table.
func readVIPs(flowsDir string) ([]byte, error) {
	return os.ReadFile(filepath.Join(flowsDir, "vips.csv"))
}
