package runtime_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/platform"
)

// TestLookupAllocatesAsAHandWrittenClient: the allocations a fetched lookup adds
// to a webhook (P1's, the CRM answered by an in-memory transport, against
// the same webhook with the lookup given) are at most those of the client
// a Go developer writes by hand for it (a timeout context, a request with
// an Accept header, Client.Do, io.ReadAll, encoding/json into a map),
// through the same transport, plus a few for what the engine does that it
// does not: the session's key for the result and the map keeping it.
func TestLookupAllocatesAsAHandWrittenClient(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("counts allocations of 400 webhooks, which the race detector changes")
	}
	const runs = 200
	const extra = 4 // the result's key in the session, the session's map of results
	prog := benchShipped(t)
	crm := `{"vip":false,"name":""}`
	client := &http.Client{Transport: benchCRM(crm)}
	webhooks := func(eng *runtime.Engine, given map[string]any) float64 {
		bodies := benchTencentBodies(t, runs+1, benchCaller, platform.Bound{IVRID: 5})
		i := 0
		return testing.AllocsPerRun(runs, func() {
			res, err := eng.Serve(context.Background(), &runtime.Request{Platform: "tencent", Body: bodies[i], Given: given})
			i++
			if err != nil || res.Outcome != runtime.Answered {
				t.Fatalf("%v %v", res.Outcome, err)
			}
		})
	}
	fetched := webhooks(benchEngine(t, prog, runtime.WithHTTPClient(client)), nil)
	given := webhooks(benchEngine(t, prog), benchNotVIP)
	hand := testing.AllocsPerRun(runs, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, "https://crm.example.com/customers/"+benchCaller, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Accept", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		var v map[string]any
		if err != nil || json.Unmarshal(data, &v) != nil {
			t.Fatal(err)
		}
	})
	t.Logf("a webhook: %.0f allocations with the lookup fetched, %.0f with it given; a hand-written lookup: %.0f", fetched, given, hand)
	if fetched-given > hand+extra {
		t.Errorf("a fetched lookup costs %.0f allocations, a hand-written client %.0f (+%d allowed)", fetched-given, hand, extra)
	}
}
