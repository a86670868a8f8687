package load

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// P5Config configures figure P5.
type P5Config struct {
	FlowsDir string        // the shipped flows, copied into the served folder
	Reloads  int           // rename saves measured (default 20)
	Deadline time.Duration // longest wait for one new version (default 5s)
}

// P5Result is figure P5: from a file write to the new version answering.
type P5Result struct {
	N        int
	Latency  Latencies // write to the first webhook answered by the new version
	P50, P99 time.Duration
	Max      time.Duration
	Polls    int64 // webhooks sent while waiting
	Failures int64 // versions that did not answer in time, and bad answers
	// ReloadP50 and ReloadP99 are the watcher's own time per reload (scan,
	// compile, swap), from its events; the rest is the debounce.
	ReloadP50, ReloadP99 time.Duration
	FirstErrors          []string
}

// RunP5 measures P5 on the serve-equivalent stack serving the shipped
// reception and support flows (the lookup on a loopback CRM) and p5.flow,
// a tencent flow that answers agent <gen>: each time it saves p5.flow with
// the next gen, as editors save (a temporary file renamed over it), then
// sends webhooks back to back until one is answered by the new gen, and
// takes the time from just before the save to that answer.
func RunP5(ctx context.Context, cfg P5Config) (*P5Result, error) {
	if cfg.Reloads <= 0 {
		cfg.Reloads = 20
	}
	if cfg.Deadline <= 0 {
		cfg.Deadline = 5 * time.Second
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
	support, err := os.ReadFile(filepath.Join(cfg.FlowsDir, "support.flow"))
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "callflow-p5-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "p5.flow")
	for name, data := range map[string][]byte{"reception.flow": reception, "vips.csv": vips, "support.flow": support,
		"p5.flow": []byte(tencentFlow("p5", P5Number, 1))} {
		if err := writeFile(filepath.Join(dir, name), data); err != nil {
			return nil, err
		}
	}
	stack, err := StartStack(dir)
	if err != nil {
		return nil, err
	}
	defer stack.Close()
	if err := CheckLoopbackURL(stack.URL); err != nil {
		return nil, err
	}
	p := &poster{c: LoadClient(1)}
	defer p.c.CloseIdleConnections()
	url := stack.URL + "/hooks/tencent"
	tmpl := newTencentTemplate(Caller, P5Number)
	res := &P5Result{}
	var fails failures
	var body []byte
	n := 0
	ask := func() (int, error) {
		n++
		body = tmpl.body(body, "p5-", 0, n)
		out, err := p.post(url, body)
		if err != nil {
			return 0, err
		}
		return agentOf(out)
	}
	if got, err := ask(); err != nil || got != 1 {
		return nil, fmt.Errorf("P5: before any change p5.flow answers %d (%v), want agent 1", got, err)
	}
	events := len(stack.Events())
	for gen := 2; gen <= cfg.Reloads+1; gen++ {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		src := []byte(tencentFlow("p5", P5Number, gen))
		start := time.Now()
		if err := renameSave(file, src); err != nil {
			return nil, err
		}
		for {
			got, err := ask()
			res.Polls++
			if err != nil {
				fails.add("gen %d: %v", gen, err)
				break
			}
			if got == gen {
				res.Latency = append(res.Latency, time.Since(start))
				break
			}
			if got != gen-1 {
				fails.add("gen %d: answered agent %d while waiting, want %d or %d", gen, got, gen-1, gen)
				break
			}
			if time.Since(start) > cfg.Deadline {
				fails.add("gen %d: not answering %s after the save", gen, cfg.Deadline)
				break
			}
		}
	}
	var reloads Latencies
	for _, ev := range stack.Events()[events:] {
		reloads = append(reloads, ev.Duration)
	}
	res.N = len(res.Latency)
	res.P50, res.P99, res.Max = res.Latency.Percentile(50), res.Latency.Percentile(99), res.Latency.Max()
	res.ReloadP50, res.ReloadP99 = reloads.Percentile(50), reloads.Percentile(99)
	res.Failures, res.FirstErrors = fails.count(), fails.messages()
	return res, nil
}
