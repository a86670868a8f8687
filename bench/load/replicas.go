package load

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The multi-replica proof of scale.md §6 runs real `callflow serve`
// processes on loopback that share one Redis, with a local CRM and a local
// stand-in for the callback platform, and drives them with webhooks as a
// load balancer without stickiness would spread them.

// Flows each replica serves, by file name: an 8x8 IVR of four webhooks per
// call whose texts carry its version (ivrFlow), reception.flow with its CRM
// lookup on the local CRM, and a callback flow that always dispatches.
const (
	IVRFlowFile      = "ivr.flow"
	ivrFlowName      = "menu"
	CallmeFlowFile   = "callme.flow"
	replicaSecret    = "replicas-secret-0123456789abcdef" // CALLFLOW_SECRET, shared as replicas must
	replicaDTLToken  = "replicas-dtl-token-0123456789"
	replicaStartWait = 60 * time.Second // a -race binary on a busy machine starts slowly
)

// callmeFlow dispatches every callback trigger, whatever the time.
const callmeFlow = "flow callme\n\ntarget callback\n\notherwise -> now\n\nhandler now {\n  callback {\n    leg A to caller from \"+6561112222\"\n    leg B to \"+6561112222\" from caller\n  }\n}\n"

// ClusterConfig is what a Cluster runs.
type ClusterConfig struct {
	Callflow string // the callflow binary
	Store    string // --store (a redis:// URL); "" keeps state in each process's memory
	Replicas int    // how many (at least 1)
	Dir      string // a folder the cluster owns: each replica's flows and logs
	FlowsDir string // the shipped flows (reception.flow, vips.csv)
	// TencentBudget is --budget tencent=… (default serve's, 3 s); a delivery
	// claimed by a replica that died is taken over after it.
	TencentBudget time.Duration
}

// Cluster is several `callflow serve` processes sharing one store, each
// with its own copy of the flows folder (as pods each mount the ConfigMap),
// a CRM for the reception flow's lookup, and a stand-in for the callback
// platform the triggers are dispatched to.
type Cluster struct {
	cfg      ClusterConfig
	Replicas []*Replica
	CRM      *CRM
	Platform *PlatformStandIn
	Client   *http.Client
	prefix   string
}

// Replica is one `callflow serve` process.
type Replica struct {
	Index int
	Dir   string // its flows folder
	URL   string // http://127.0.0.1:PORT
	Proc  *Process
}

// StartCluster writes each replica's flows (the IVR at version gen 1) and
// starts the replicas, returning once each answers /readyz.
func StartCluster(ctx context.Context, cfg ClusterConfig) (*Cluster, error) {
	if cfg.Replicas < 1 {
		return nil, errors.New("load: a cluster needs at least one replica")
	}
	c := &Cluster{cfg: cfg, Client: LoadClient(64), prefix: "callflow-" + strconv.FormatInt(time.Now().UnixNano(), 36)}
	var err error
	if c.CRM, err = StartCRM(); err != nil {
		return nil, err
	}
	if c.Platform, err = StartPlatformStandIn(); err != nil {
		c.CRM.Close()
		return nil, err
	}
	reception, vips, err := receptionFlow(cfg.FlowsDir, c.CRM.URL)
	if err != nil {
		c.Close()
		return nil, err
	}
	for i := range cfg.Replicas {
		r := &Replica{Index: i, Dir: filepath.Join(cfg.Dir, fmt.Sprintf("replica-%d", i))}
		for name, data := range map[string][]byte{
			IVRFlowFile: []byte(ivrFlow(ivrFlowName, IVRNumber, 1)), "reception.flow": reception, "vips.csv": vips, CallmeFlowFile: []byte(callmeFlow),
		} {
			if err := writeFile(filepath.Join(r.Dir, name), data); err != nil {
				c.Close()
				return nil, err
			}
		}
		c.Replicas = append(c.Replicas, r)
	}
	errs := make([]error, len(c.Replicas))
	var wg sync.WaitGroup
	for i, r := range c.Replicas {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = c.Start(ctx, r)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

var (
	listeningLine = regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`)
	loadedLine    = regexp.MustCompile(`^loaded \d+ flows?.*`)
)

// Start starts r's process (again, after Kill or Stop) and waits until it
// has loaded its flows and answers /readyz with 200.
func (c *Cluster) Start(ctx context.Context, r *Replica) error {
	// The table of the start (where it listens, the flows loaded) is what
	// Start waits for; stdout is a pipe here, so it must be asked for.
	args := []string{"serve", "--startup-table", "always", "--addr", "127.0.0.1:0", "--dir", r.Dir, "--callback-url", c.Platform.URL + "/dtl",
		"--dispatch-retries", "0", "--shutdown-timeout", "10s"}
	if c.cfg.Store != "" {
		args = append(args, "--store", c.cfg.Store, "--store-prefix", c.prefix)
	}
	args = append(args, "--budget", "tencent="+c.TencentBudget().String())
	// A binary built with -race (the test binary of `make test`) sleeps a
	// second at exit for late reports; a race still fails its exit status.
	env := []string{"CALLFLOW_SECRET=" + replicaSecret, "CALLFLOW_CALLBACK_TOKEN=" + replicaDTLToken, "GORACE=atexit_sleep_ms=0"}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CALLFLOW_") && !strings.HasPrefix(kv, "GORACE=") {
			env = append(env, kv)
		}
	}
	p, err := StartProcess(fmt.Sprintf("replica %d", r.Index), c.cfg.Callflow, args, env)
	if err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, replicaStartWait)
	defer cancel()
	m, err := p.WaitLine(wctx, listeningLine, 0)
	var loaded []string
	if err == nil {
		loaded, err = p.WaitLine(wctx, loadedLine, 0)
	}
	if err == nil && strings.Contains(loaded[0], "with errors") {
		err = fmt.Errorf("replica %d: %s:\n%s", r.Index, loaded[0], p.Tail(20))
	}
	if err != nil {
		p.Kill()
		return err
	}
	if err := CheckLoopbackURL(m[1]); err != nil {
		p.Kill()
		return err
	}
	r.URL, r.Proc = m[1], p
	resp, err := c.Client.Get(r.URL + "/readyz")
	if err != nil {
		p.Kill()
		return fmt.Errorf("replica %d: /readyz: %v", r.Index, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		p.Kill()
		return fmt.Errorf("replica %d: /readyz answered %d after the first load", r.Index, resp.StatusCode)
	}
	return nil
}

// TencentBudget is the replicas' tencent --budget.
func (c *Cluster) TencentBudget() time.Duration {
	if c.cfg.TencentBudget > 0 {
		return c.cfg.TencentBudget
	}
	return serveTencentBudget
}

// Close stops every replica (SIGTERM), the CRM and the platform stand-in.
func (c *Cluster) Close() error {
	var errs []error
	for _, r := range c.Replicas {
		if r.Proc != nil {
			errs = append(errs, r.Proc.Stop(15*time.Second))
		}
	}
	if c.CRM != nil {
		c.CRM.Close()
	}
	if c.Platform != nil {
		c.Platform.Close()
	}
	return errors.Join(errs...)
}

// Logs is the last lines of every replica, for a failure's message.
func (c *Cluster) Logs() string {
	var b strings.Builder
	for _, r := range c.Replicas {
		if r.Proc != nil {
			fmt.Fprintf(&b, "--- replica %d\n%s\n", r.Index, r.Proc.Tail(8))
		}
	}
	return b.String()
}

// Post sends a webhook to replica i and returns the status, the body and
// how long the answer took.
func (c *Cluster) Post(ctx context.Context, i int, path string, body []byte) (int, []byte, time.Duration, error) {
	return postTo(ctx, c.Client, c.Replicas[i].URL+path, body)
}

func postTo(ctx context.Context, client *http.Client, url string, body []byte) (int, []byte, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(string(body)))
	if err != nil {
		return 0, nil, 0, err
	}
	req.Header["Content-Type"] = hdrJSON
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, time.Since(start), err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	return resp.StatusCode, out, time.Since(start), err
}

// PlatformStandIn is the callback platform (DataTechLabs) on loopback: it
// accepts every dispatched callback and counts them, by trigger.
type PlatformStandIn struct {
	URL       string
	Callbacks atomic.Int64
	hs        *http.Server
}

// StartPlatformStandIn starts it on 127.0.0.1:0. Callbacks arrive at
// /dtl/voice/call/callback with the cluster's bearer token; anything else
// is refused with 401 (and not counted).
func StartPlatformStandIn() (*PlatformStandIn, error) {
	ln, err := listenLoopback()
	if err != nil {
		return nil, err
	}
	p := &PlatformStandIn{URL: "http://" + ln.Addr().String()}
	p.hs = newHTTPServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if r.Method != http.MethodPost || r.URL.Path != "/dtl/voice/call/callback" || r.Header.Get("Authorization") != "Bearer "+replicaDTLToken {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		n := p.Callbacks.Add(1)
		w.Header()["Content-Type"] = hdrJSON
		fmt.Fprintf(w, `{"status":"queued","call":%d}`, n)
	}), slog.New(slog.DiscardHandler))
	go p.hs.Serve(ln)
	return p, nil
}

// Close stops the stand-in.
func (p *PlatformStandIn) Close() error { return p.hs.Close() }
