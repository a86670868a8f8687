package runtime

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/callflow/callflow/lang/ir"
)

// post sends a post step's JSON while the webhook is answered. It never
// fails the webhook: a post that cannot be built, times out, is refused,
// redirected elsewhere or answers garbage is logged, traced, and its into
// variable gets the else value. A retried delivery gets the stored answer
// and never comes here (answers.go), so a post is sent at most once per
// delivery; its Idempotency-Key lets the receiver drop the copies a lost
// answer could still cause.
func (c *call) post(in *ir.Post) error {
	start := time.Now()
	attempt := c.sess.Posts
	c.sess.Posts++
	u, err := c.evalString(in.URL, "a URL")
	var body []byte
	if err == nil {
		body, err = c.postBody(in)
	}
	var res httpResult
	outcome := "sent"
	if err == nil && c.trace != nil {
		c.trace.Posts = append(c.trace.Posts, TracePost{At: in.At, URL: u, Body: body})
	}
	if err == nil {
		if v, ok := c.given[givenPost+u]; ok {
			res, outcome = httpResult{status: http.StatusOK, value: v}, "given"
		} else {
			res, err = c.send(httpCall{method: http.MethodPost, url: u, body: body, headers: in.Headers,
				extra: [][2]string{{"Idempotency-Key", c.idempotencyKey(in, attempt)}}, timeout: in.Timeout, decode: in.Into != ""})
		}
	}
	v := res.value
	if err == nil && in.Into != "" {
		v, err = c.conform(in.Else, v)
	}
	took := time.Since(start)
	if err != nil {
		outcome = "error"
		v = c.postFailed(in, u, res.status, err, took)
	}
	c.tracePost(in, u, outcome, res.status, err, took)
	if in.Into == "" {
		return nil
	}
	if err := c.mem.Keep(v); err != nil {
		return c.exprError(in.Else, err)
	}
	c.setVar(in.Into, v)
	return nil
}

// postBody is the post's JSON: its json value, or {} without one.
func (c *call) postBody(in *ir.Post) ([]byte, error) {
	if in.JSON == nil {
		return []byte("{}"), nil
	}
	v, err := c.eval(in.JSON)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("the json value cannot be sent as JSON: %v", err)
	}
	if len(b) > maxLookupBody {
		return nil, fmt.Errorf("the JSON body is over %d bytes", maxLookupBody)
	}
	return b, nil
}

// postFailed logs a failed post and returns its else value.
func (c *call) postFailed(in *ir.Post, u string, status int, err error, took time.Duration) any {
	cause := err.Error()
	var v any
	if in.Into != "" {
		var elseErr error
		if v, elseErr = c.eval(in.Else); elseErr != nil {
			v, cause = nil, cause+"; else failed: "+elseErr.Error()
		}
	}
	c.e.log.LogAttrs(c.ctx, slog.LevelWarn, "post failed",
		slog.String("flow", c.flow.Name), slog.String("at", in.At.String()), slog.String("url", redactURL(u)),
		slog.Int("status", status), slog.String("cause", cause), slog.Duration("took", took))
	return v
}

// idempotencyKey names one post of one call: the session, the step's
// handler and position, and how many posts the call sent before it. A
// delivery run again after its answer was lost sends the same key; the
// same step run again later in the call (a loop) sends another. It is a
// digest: a session id may hold any bytes.
func (c *call) idempotencyKey(in *ir.Post, attempt int) string {
	sum := sha256.Sum256([]byte(c.ev.Platform + "\x00" + c.ev.Session + "\x00" + c.handler + "\x00" +
		in.At.String() + "\x00" + strconv.Itoa(attempt)))
	return base64.RawURLEncoding.EncodeToString(sum[:18])
}

// tracePost records a post: its URL without secrets, the status and how
// long it took.
func (c *call) tracePost(in *ir.Post, u, outcome string, status int, err error, took time.Duration) {
	if c.trace == nil {
		return
	}
	result := outcome
	if status != 0 {
		result += ", HTTP " + strconv.Itoa(status)
	}
	if err != nil {
		result += ": " + err.Error()
	}
	c.add(TraceEntry{Kind: "post", At: in.At, Text: redactURL(u), Result: result, Took: took})
}
