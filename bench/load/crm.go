package load

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/callflow/callflow/bench/handwritten"
	"github.com/callflow/callflow/runtime"
)

// CRM is the reception flow's customer service, on loopback: it answers at
// once, from memory, {"vip":true,"name":"Wang Wei"} for CRMVIP and
// {"vip":false,"name":""} for everyone else.
type CRM struct {
	URL      string
	Requests atomic.Int64
	Conns    atomic.Int64 // TCP connections accepted
	hs       *http.Server

	mu    sync.Mutex
	holds map[string]*CRMHold // by caller
}

// CRMHold holds the CRM's answers about one caller.
type CRMHold struct {
	Asked    chan struct{} // closed when the CRM is first asked about the caller
	asked    sync.Once
	released chan struct{}
	release  sync.Once
}

// Release lets the held lookups answer.
func (h *CRMHold) Release() { h.release.Do(func() { close(h.released) }) }

// Hold makes the CRM keep every lookup of caller waiting until Release (or
// until the asker hangs up): a webhook provably in flight.
func (c *CRM) Hold(caller string) *CRMHold {
	h := &CRMHold{Asked: make(chan struct{}), released: make(chan struct{})}
	c.mu.Lock()
	if c.holds == nil {
		c.holds = map[string]*CRMHold{}
	}
	c.holds[caller] = h
	c.mu.Unlock()
	return h
}

// wait holds a lookup of caller if asked to.
func (c *CRM) wait(r *http.Request, caller string) {
	c.mu.Lock()
	h := c.holds[caller]
	c.mu.Unlock()
	if h == nil {
		return
	}
	h.asked.Do(func() { close(h.Asked) })
	select {
	case <-h.released:
	case <-r.Context().Done():
	}
}

var (
	crmVIP   = []byte(`{"vip":true,"name":"` + CRMVIPName + `"}`)
	crmOther = []byte(`{"vip":false,"name":""}`)
)

// StartCRM starts the CRM on 127.0.0.1:0.
func StartCRM() (*CRM, error) {
	ln, err := listenLoopback()
	if err != nil {
		return nil, err
	}
	c := &CRM{URL: "http://" + ln.Addr().String()}
	c.hs = newHTTPServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.Requests.Add(1)
		c.wait(r, r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:])
		body := crmOther
		if strings.HasSuffix(r.URL.Path, "/"+CRMVIP) {
			body = crmVIP
		}
		w.Header()["Content-Type"] = []string{"application/json"}
		w.Write(body)
	}), slog.New(slog.DiscardHandler))
	c.hs.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			c.Conns.Add(1)
		}
	}
	go labelled("crm", func() { c.hs.Serve(ln) })
	return c, nil
}

// Close stops the CRM.
func (c *CRM) Close() error { return c.hs.Close() }

// Bare is the baseline of P3: a bare net/http handler doing what a Go
// developer would write without callflow: read the body (at most 64 KiB),
// decode the same Tencent JSON, make reception.flow's decision with if/else
// (bench/handwritten, the baseline of P1), with the same CRM lookup over
// HTTP with the same client settings and timeout, and encode the same
// answer. It runs on an http.Server with serve's timeouts.
type Bare struct {
	URL           string
	LookupsFailed atomic.Int64
	hs            *http.Server
}

// StartBare starts the baseline on 127.0.0.1:0; crm is the CRM's URL and
// vipsCSV the reception flow's table.
func StartBare(crm string, vipsCSV []byte) (*Bare, error) {
	if err := CheckLoopbackURL(crm); err != nil {
		return nil, err
	}
	b := &Bare{}
	client := lookupClient()
	lookup := func(caller string) handwritten.Customer {
		// The flow's lookup: timeout 1500ms, else {vip: false, name: ""}.
		ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, crm+"/customers/"+caller, nil)
		if err != nil {
			b.LookupsFailed.Add(1)
			return handwritten.Customer{}
		}
		req.Header.Set("Accept", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			b.LookupsFailed.Add(1)
			return handwritten.Customer{}
		}
		defer resp.Body.Close()
		var c handwritten.Customer
		if resp.StatusCode != http.StatusOK || json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&c) != nil {
			b.LookupsFailed.Add(1)
			return handwritten.Customer{}
		}
		return c
	}
	hand, err := handwritten.NewReception(vipsCSV, lookup)
	if err != nil {
		return nil, err
	}
	ln, err := listenLoopback()
	if err != nil {
		return nil, err
	}
	b.URL = "http://" + ln.Addr().String()
	b.hs = newHTTPServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, `{"error":"POST"}`, http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, runtime.MaxBody))
		if err != nil {
			http.Error(w, `{"error":"body"}`, http.StatusBadRequest)
			return
		}
		out, err := hand.Answer(body, time.Now())
		if err != nil {
			http.Error(w, `{"error":"bad webhook"}`, http.StatusBadRequest)
			return
		}
		w.Header()["Content-Type"] = []string{"application/json"}
		w.Write(out)
	}), slog.New(slog.DiscardHandler))
	go labelled("bare", func() { b.hs.Serve(ln) })
	return b, nil
}

// Close stops the baseline.
func (b *Bare) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return b.hs.Shutdown(ctx)
}
