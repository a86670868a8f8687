package runtime

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"time"

	"github.com/callflow/callflow/lang/ir"
)

// lookupMargin is kept from the budget for rendering the answer after a
// lookup gives up.
const lookupMargin = 100 * time.Millisecond

// fetch resolves a lookup: a stub from the request, or an HTTP GET under the
// webhook's deadline, else the lookup's else value. The result is kept in
// the session, so a call fetches each lookup at most once.
func (c *call) fetch(name string) {
	l := c.flow.Lookups[name]
	var start time.Time
	timed := c.trace != nil || c.e.onLookup != nil
	if timed { // the machine's clock is not free; only traces and observers want durations
		start = time.Now()
	}
	v, outcome := c.given(name)
	if outcome != "" {
		if cv, err := c.conform(l.Else, v); err == nil {
			v = cv // a stub written in JSON: 5 for an int lookup
		}
	} else {
		var err error
		v, err = c.get(name)
		outcome = "ok"
		if err == nil {
			v, err = c.conform(l.Else, v)
		}
		if err != nil {
			outcome = err.Error()
			if v, err = c.eval(l.Else); err != nil {
				v, outcome = nil, outcome+"; else failed: "+err.Error()
			}
		}
	}
	if c.sess.Lookups == nil {
		c.sess.Lookups = map[string]any{}
	}
	c.sess.Lookups[name] = v
	c.env[name] = v
	var took time.Duration
	if timed {
		took = time.Since(start)
	}
	c.traceLookup(l.At, name, outcome, took)
}

func (c *call) given(name string) (any, string) {
	if v, ok := c.req.Given[name]; ok {
		return v, "given"
	}
	return nil, ""
}

func (c *call) get(name string) (any, error) {
	l := c.flow.Lookups[name]
	url, err := c.evalString(l.URL, "a URL")
	if err != nil {
		return nil, err
	}
	timeout := l.Timeout
	timeout = min(timeout, time.Until(c.deadline)-lookupMargin)
	if timeout <= 0 {
		return nil, fmt.Errorf("no time left in the answer budget")
	}
	ctx, cancel := context.WithTimeout(c.io(), timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.e.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("timed out after %s", timeout.Round(time.Millisecond))
		}
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	var v any
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&v); err != nil {
		return nil, fmt.Errorf("bad JSON: %v", err)
	}
	return v, nil
}

// conform makes a fetched JSON value fit the type the checker gave the
// lookup, which is the type of its else value: a JSON number is a float64,
// and becomes an int when the else value is one. A value of another type
// is an error, so the else value is used.
func (c *call) conform(elseX *ir.Expr, v any) (any, error) {
	want, err := c.eval(elseX)
	if err != nil || want == nil {
		return v, nil
	}
	ok := true
	switch want.(type) {
	case int:
		f, isNum := v.(float64)
		if isNum && f == math.Trunc(f) && math.Abs(f) <= 1<<53 {
			return int(f), nil
		}
		ok = false
	case float64:
		_, ok = v.(float64)
	case string:
		_, ok = v.(string)
	case bool:
		_, ok = v.(bool)
	case map[string]any:
		_, ok = v.(map[string]any)
	case []any:
		_, ok = v.([]any)
	}
	if !ok {
		return nil, fmt.Errorf("the JSON is %s, the else value %s", jsonKind(v), jsonKind(want))
	}
	return v, nil
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case int:
		return "a whole number"
	case float64:
		return "a number"
	case string:
		return "a string"
	case bool:
		return "true or false"
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	}
	return fmt.Sprintf("%T", v)
}
