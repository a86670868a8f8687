package load

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/callflow/callflow/bench/handwritten"
)

// P3Config configures figure P3.
type P3Config struct {
	FlowsDir string        // the shipped flows: reception.flow and vips.csv are read from it
	Duration time.Duration // measured time per side (default 2s)
	Conns    int           // concurrent connections (default 16)
	Warmup   time.Duration // unmeasured time per side first (default 500ms)
	Round    time.Duration // longest stretch one side runs before the other takes over (default: half the duration, at most 5s)
}

// SideResult is one side of P3.
type SideResult struct {
	Requests int64
	Errors   int64 // transport errors, non-200 answers, and answers that are not the decision
	Elapsed  time.Duration
	RPS      float64
	P50, P99 time.Duration
	Max      time.Duration
	// Lookups counts the requests the CRM received while the side was
	// measured: one per webhook on both sides, or they did not do the same
	// work.
	Lookups int64
	// LookupsFailed counts CRM lookups that did not answer (the else value
	// was used); the answers are the same, so they show only here.
	LookupsFailed int64
	FirstErrors   []string
}

// P3Result is figure P3: `callflow serve` against a bare net/http handler.
type P3Result struct {
	Server, Bare SideResult
	Ratio        float64 // Server.RPS / Bare.RPS; target ≥ 0.9
	P99Ratio     float64 // Server.P99 / Bare.P99; target ≤ 1.2
	Conns        int
	Rounds       int // stretches per side, alternated ABBA
	CRMRequests  int64
	CRMConns     int64 // TCP connections the CRM accepted from both sides' lookup clients
	Panics       int64 // logged by the server
	Duplicates   int64 // webhooks serve answered from its retry cache (/metrics); must be 0
	LogErrors    int64 // error lines logged by the server and the engine
}

// RunP3 measures P3: the same in-process load generator (Conns keep-alive
// connections, each sending one tencent webhook for reception.flow after
// the other, with distinct SessionIds) drives the serve-equivalent stack
// and the bare handler for the same time, in alternating stretches, both
// looking their callers up in the same loopback CRM through the same kind
// of client, pooled as `callflow serve` pools its lookups
// (runtime.NewLookupClient): neither side opens a TCP connection per
// lookup.
func RunP3(ctx context.Context, cfg P3Config) (*P3Result, error) {
	if cfg.Duration <= 0 {
		cfg.Duration = 2 * time.Second
	}
	if cfg.Conns <= 0 {
		cfg.Conns = 16
	}
	if cfg.Warmup <= 0 {
		cfg.Warmup = 500 * time.Millisecond
	}
	if cfg.Round <= 0 {
		cfg.Round = min(5*time.Second, cfg.Duration/2)
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
	dir, err := os.MkdirTemp("", "callflow-p3-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if err := writeFile(filepath.Join(dir, "reception.flow"), reception); err != nil {
		return nil, err
	}
	if err := writeFile(filepath.Join(dir, "vips.csv"), vips); err != nil {
		return nil, err
	}
	stack, err := StartStack(dir)
	if err != nil {
		return nil, err
	}
	defer stack.Close()
	bare, err := StartBare(crm.URL, vips)
	if err != nil {
		return nil, err
	}
	defer bare.Close()
	exp, err := receptionExpected(vips)
	if err != nil {
		return nil, err
	}
	if err := sameAnswers(stack.URL, bare.URL); err != nil {
		return nil, err
	}

	sides := [2]*p3Side{
		{name: "bare", url: bare.URL + "/", prefix: "p3-bare-"},
		{name: "serve", url: stack.URL + "/hooks/tencent", prefix: "p3-serve-"},
	}
	tmpl := newTencentTemplate(Caller, ReceptionNumber)
	for _, s := range sides {
		if err := CheckLoopbackURL(s.url); err != nil {
			return nil, err
		}
		s.client, s.crm = LoadClient(cfg.Conns), crm
		s.lat = make([]Latencies, cfg.Conns)
		s.tmpl, s.exp = tmpl, exp
		defer s.client.CloseIdleConnections()
	}
	for _, s := range sides {
		s.run(ctx, cfg.Conns, cfg.Warmup, false)
	}
	rounds := max(1, int((cfg.Duration+cfg.Round-1)/cfg.Round))
	per := cfg.Duration / time.Duration(rounds)
	order := [4]int{0, 1, 1, 0} // ABBA: neither side always runs first or last
	lookupsBefore := stack.Lookups.Failed()
	for i := range 2 * rounds {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		sides[order[i%4]].run(ctx, cfg.Conns, per, true)
	}
	res := &P3Result{
		Bare: sides[0].result(), Server: sides[1].result(),
		Conns: cfg.Conns, Rounds: rounds, CRMRequests: crm.Requests.Load(), CRMConns: crm.Conns.Load(),
		Panics: stack.Log.Panics(), LogErrors: stack.Log.Errors(),
	}
	if res.Duplicates, err = duplicates(stack.URL); err != nil {
		return nil, err
	}
	res.Bare.LookupsFailed = bare.LookupsFailed.Load()
	res.Server.LookupsFailed = stack.Lookups.Failed() - lookupsBefore
	if res.Bare.RPS > 0 {
		res.Ratio = res.Server.RPS / res.Bare.RPS
	}
	if res.Bare.P99 > 0 {
		res.P99Ratio = float64(res.Server.P99) / float64(res.Bare.P99)
	}
	return res, nil
}

// duplicates reads from serve's /metrics how many tencent webhooks were
// answered from the retry cache.
func duplicates(serveURL string) (int64, error) {
	p := &poster{c: LoadClient(1)}
	defer p.c.CloseIdleConnections()
	resp, err := p.c.Get(serveURL + "/metrics")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	var n int64
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "callflow_webhook_requests_total{") || !strings.Contains(line, `outcome="duplicate"`) {
			continue
		}
		f := strings.Fields(line)
		v, err := strconv.ParseFloat(f[len(f)-1], 64)
		if err != nil {
			return 0, fmt.Errorf("/metrics: %q: %v", line, err)
		}
		n += int64(v)
	}
	return n, sc.Err()
}

// receptionExpected is reception.flow's decision by hand, with the CRM's
// answers in memory.
func receptionExpected(vips []byte) (*expected, error) {
	hand, err := handwritten.NewReception(vips, func(caller string) handwritten.Customer {
		if caller == CRMVIP {
			return handwritten.Customer{VIP: true, Name: CRMVIPName}
		}
		return handwritten.Customer{}
	})
	if err != nil {
		return nil, err
	}
	return &expected{m: map[string][]byte{}, compute: func(_ string, body []byte, at time.Time) ([]byte, error) {
		return hand.Answer(body, at)
	}}, nil
}

// sameAnswers checks that serve and the baseline make the same decision:
// for a caller of each path of reception.flow, both answer the same bytes.
func sameAnswers(serveURL, bareURL string) error {
	p := &poster{c: LoadClient(1)}
	defer p.c.CloseIdleConnections()
	for i, caller := range []string{Caller, "+8613066668888", CRMVIP, "+14155550123"} {
		body := newTencentTemplate(caller, ReceptionNumber).body(nil, "same-", i, 0)
		s, err := p.post(serveURL+"/hooks/tencent", body)
		if err != nil {
			return fmt.Errorf("P3: serve: %v", err)
		}
		sv := string(s)
		b, err := p.post(bareURL+"/", body)
		if err != nil {
			return fmt.Errorf("P3: bare: %v", err)
		}
		if sv != string(b) {
			return fmt.Errorf("P3: the baseline is not the same decision for %s: serve %s, bare %s", caller, sv, b)
		}
	}
	return nil
}

// p3Side is one side's load and what it measured.
type p3Side struct {
	name, url, prefix string
	client            *http.Client
	crm               *CRM // counts the side's lookups, if set
	tmpl              tencentTemplate
	exp               *expected
	n                 int // webhooks sent so far, for distinct SessionIds

	lat      []Latencies // per worker
	requests int64
	lookups  int64 // received by the CRM while measured
	elapsed  time.Duration
	fails    failures
}

// run drives the side with conns workers for d; measure false is warm-up.
func (s *p3Side) run(ctx context.Context, conns int, d time.Duration, measure bool) {
	var wg sync.WaitGroup
	counts := make([]int64, conns)
	start := time.Now()
	deadline := start.Add(d)
	base := s.n
	var lookups int64
	if s.crm != nil {
		lookups = s.crm.Requests.Load()
	}
	for w := range conns {
		wg.Go(func() { labelled("load", func() { s.work(ctx, w, base, deadline, measure, counts) }) })
	}
	wg.Wait()
	s.n += 1 << 30 / 16 // the next run's SessionIds start past any this one used
	if !measure {
		return
	}
	s.elapsed += time.Since(start)
	if s.crm != nil {
		s.lookups += s.crm.Requests.Load() - lookups // the sides take turns: every lookup in the stretch is this side's
	}
	for _, c := range counts {
		s.requests += c
	}
}

// work is one worker of run: webhooks one after the other until deadline.
func (s *p3Side) work(ctx context.Context, w, base int, deadline time.Time, measure bool, counts []int64) {
	p := &poster{c: s.client}
	var body []byte
	lat := s.lat[w]
	for n := base; ctx.Err() == nil; n++ {
		body = s.tmpl.body(body, s.prefix, w, n)
		t0 := time.Now()
		if !t0.Before(deadline) {
			break
		}
		out, err := p.post(s.url, body)
		took := time.Since(t0)
		if err == nil {
			err = s.exp.check(Caller, body, out, t0)
		}
		if !measure {
			continue
		}
		if err != nil {
			s.fails.add("%s: %v", s.name, err)
		}
		counts[w]++
		lat = append(lat, took)
	}
	s.lat[w] = lat
}

func (s *p3Side) result() SideResult {
	var all Latencies
	for _, l := range s.lat {
		all = append(all, l...)
	}
	r := SideResult{Requests: s.requests, Lookups: s.lookups, Errors: s.fails.count(), Elapsed: s.elapsed,
		P50: all.Percentile(50), P99: all.Percentile(99), Max: all.Max(), FirstErrors: s.fails.messages()}
	if s.elapsed > 0 {
		r.RPS = float64(s.requests) / s.elapsed.Seconds()
	}
	return r
}

// OK reports whether every answer of both sides was right: no error, no
// panic, no answer from the retry cache, and both sides did the same work,
// one CRM lookup per webhook. The ratio is the figure, judged apart.
func (r *P3Result) OK() bool {
	return r.Server.Errors == 0 && r.Bare.Errors == 0 && r.Panics == 0 && r.Duplicates == 0 && r.Server.Requests > 0 && r.Bare.Requests > 0 &&
		r.Server.Lookups == r.Server.Requests && r.Bare.Lookups == r.Bare.Requests
}

// Met reports whether P3's targets are met: serve at least P3MinRatio of
// the bare handler's requests per second, its p99 at most P3MaxP99Ratio of
// the bare handler's, every answer right.
func (r *P3Result) Met() bool {
	return r.OK() && r.Ratio >= P3MinRatio && r.P99Ratio <= P3MaxP99Ratio
}
