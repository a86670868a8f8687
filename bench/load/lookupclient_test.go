package load

import (
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestLookupClientKeepsConnections: P3's lookup client (both sides') keeps
// its connections as serve's does. Two waves of 16 concurrent lookups to
// one host go over 16 connections; with Go's default of two idle
// connections per host the second wave would open 14 more.
func TestLookupClientKeepsConnections(t *testing.T) {
	const wave = 16
	var conns, arrived atomic.Int64
	all := make(chan struct{}) // closed when a whole wave is in flight
	var allOnce sync.Once
	ln, err := listenLoopback()
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if arrived.Add(1) == wave {
			allOnce.Do(func() { close(all) })
		}
		select { // hold every lookup of the first wave until all of it is in flight
		case <-all:
		case <-time.After(10 * time.Second):
		}
		w.Write([]byte(`{}`))
	}), ConnState: func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			conns.Add(1)
		}
	}}
	go hs.Serve(ln)
	defer hs.Close()
	client := lookupClient()
	defer client.CloseIdleConnections()
	url := "http://" + ln.Addr().String() + "/"
	for range 2 {
		var wg sync.WaitGroup
		for range wave {
			wg.Go(func() {
				resp, err := client.Get(url)
				if err != nil {
					t.Error(err)
					return
				}
				var b [16]byte
				for _, err := resp.Body.Read(b[:]); err == nil; _, err = resp.Body.Read(b[:]) {
				}
				resp.Body.Close()
			})
		}
		wg.Wait()
	}
	if n := conns.Load(); n > wave {
		t.Errorf("two waves of %d concurrent lookups opened %d connections, want at most %d: the lookup client does not keep them", wave, n, wave)
	}
}

// TestP3SameLookups: P3 compares like with like. In a short run both sides
// ask the CRM once per webhook they answer, and every answer is right;
// a side that skipped or cached its lookup would make the ratio flatter.
func TestP3SameLookups(t *testing.T) {
	r, err := RunP3(t.Context(), P3Config{FlowsDir: flowsDir, Duration: 300 * time.Millisecond, Warmup: 100 * time.Millisecond, Conns: 4})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []struct {
		name string
		r    SideResult
	}{{"serve", r.Server}, {"bare", r.Bare}} {
		if s.r.Requests == 0 || s.r.Lookups != s.r.Requests {
			t.Errorf("%s: %d CRM lookups for %d webhooks, want one each", s.name, s.r.Lookups, s.r.Requests)
		}
	}
	if !r.OK() {
		t.Errorf("P3 not OK:\n%s", FormatP3(r))
	}
}
