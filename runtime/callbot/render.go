package callbot

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"reflect"
	"slices"
	"time"

	"github.com/callflow/callflow/lang/exprs"
	"github.com/callflow/callflow/lang/phone"
	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/runtime/platform"
)

// limits are the checker's callbot limits, applied again here to values
// only known at run time.
var limits = lplatform.MustLookup(Name).Limits

type envelope struct {
	Method string  `json:"method"`
	Path   string  `json:"path"`
	Query  query   `json:"query"`
	Body   request `json:"body"`
}

type query struct {
	CID string `json:"cid"`
}

// request is the execute_by_phone body, fields in the documented order.
type request struct {
	Name            string    `json:"name,omitempty"`
	BotScriptID     string    `json:"bot_script_id"`
	Voice           string    `json:"voice,omitempty"`
	Speed           float64   `json:"speed"`
	CID             string    `json:"cid,omitempty"`
	NumRetry        int       `json:"num_retry"`
	DistanceRetry   int64     `json:"distance_retry"`
	NumPerCall      int       `json:"num_per_call,omitempty"`
	DistancePerCall int64     `json:"distance_per_call,omitempty"`
	SendTime        *int64    `json:"send_time,omitempty"`
	ExtSessionID    string    `json:"ext_session_id,omitempty"`
	AutoPause       bool      `json:"auto_pause"`
	ContactInfo     []contact `json:"contact_info"`
}

type contact struct {
	Phone            string            `json:"phone"`
	Email            string            `json:"email,omitempty"`
	ExtContactCode   string            `json:"ext_contact_code,omitempty"`
	MappingVariables map[string]string `json:"mapping_variables,omitempty"`
}

// Render answers 200 with the execute_by_phone envelope when r holds a
// Campaign action, and 204 with no body when it holds none (the flow
// declined). r may hold at most one action, a Campaign; anything else is an
// error, which the engine answers with Fallback.
//
// The query's cid is always present (empty means internal calling, as
// OMICall documents). Body fields, in this order:
//
//   - name: Name; omitted when empty.
//   - bot_script_id: Script; required.
//   - voice: Voice; omitted when empty (OMICall's default voice), else one
//     of lang/platform's callbot voices.
//   - speed: Speed, -3..3 (OMICall's type is a number: 1.5 is sent as
//     1.5); always sent (0 is OMICall's default).
//   - cid: CID again, as the docs also list it in the body; omitted when
//     empty.
//   - num_retry, distance_retry: Retry and RetryEvery; always sent (0 and 0
//     are OMICall's defaults).
//   - num_per_call, distance_per_call: Batch and BatchEvery; each omitted
//     when 0, so OMICall applies its defaults (15 calls, 30 s) rather than
//     receiving a meaningless 0.
//   - send_time: SendTime as Unix milliseconds; omitted when nil (now).
//   - ext_session_id: Dedupe; omitted when empty (no duplicate check).
//   - auto_pause: AutoPause; always sent.
//   - contact_info: one {phone, email, ext_contact_code, mapping_variables}
//     per contact, in order; at least one, each with a phone. An E.164
//     phone of Vietnam (lang/platform's NationalRegion) is sent in the
//     national form OMICall's examples use, +84912345678 as 0912345678;
//     any other phone is sent as given;
//     email, ext_contact_code and mapping_variables are omitted when empty.
//     mapping_variables values are text, as OMICall's script variables are:
//     numbers, booleans and times are formatted as in say text
//     (lang/exprs.Text: 9.5, 8, true), nil is ""; a list or map is an error.
//     Keys come out sorted.
//
// Intervals are whole seconds, rounded up so a positive interval never
// becomes 0; negative counts or intervals are errors.
func (*Adapter) Render(_ *platform.Event, r *platform.Response) (platform.Reply, error) {
	var c *platform.Campaign
	at := 0 // c's position in r.Actions
	if r != nil {
		for i, a := range r.Actions {
			ca, ok := a.(platform.Campaign)
			if !ok {
				return platform.Reply{}, &platform.ActionError{Index: i, Err: fmt.Errorf("callbot: cannot %s", platform.ActionName(a))}
			}
			if c != nil {
				return platform.Reply{}, &platform.ActionError{Index: i, Err: errors.New("callbot: more than one campaign")}
			}
			c, at = &ca, i
		}
	}
	if c == nil {
		return platform.Reply{Status: http.StatusNoContent}, nil
	}
	req, err := build(c)
	if err != nil {
		return platform.Reply{}, &platform.ActionError{Index: at, Err: fmt.Errorf("callbot: campaign %q: %w", c.Name, err)}
	}
	body, err := platform.Marshal(envelope{Method: Method, Path: Path, Query: query{CID: c.CID}, Body: req})
	if err != nil {
		return platform.Reply{}, fmt.Errorf("callbot: %w", err)
	}
	return platform.Reply{Status: http.StatusOK, Body: body}, nil
}

func build(c *platform.Campaign) (request, error) {
	if c.Script == "" {
		return request{}, errors.New("no script id")
	}
	if lo, hi := limits.Speed[0], limits.Speed[1]; math.IsNaN(c.Speed) || c.Speed < lo || c.Speed > hi {
		return request{}, fmt.Errorf("speed %g is outside %g..%g", c.Speed, lo, hi)
	}
	if c.Voice != "" && len(limits.Voices) > 0 && !slices.Contains(limits.Voices, c.Voice) {
		return request{}, fmt.Errorf("unknown voice %q (want one of %q)", c.Voice, limits.Voices)
	}
	if c.Retry < 0 || c.Batch < 0 {
		return request{}, fmt.Errorf("negative retry (%d) or batch (%d) count", c.Retry, c.Batch)
	}
	retryEvery, err := seconds(c.RetryEvery)
	if err != nil {
		return request{}, fmt.Errorf("retry interval: %w", err)
	}
	batchEvery, err := seconds(c.BatchEvery)
	if err != nil {
		return request{}, fmt.Errorf("batch interval: %w", err)
	}
	req := request{
		Name:            c.Name,
		BotScriptID:     c.Script,
		Voice:           c.Voice,
		Speed:           c.Speed,
		CID:             c.CID,
		NumRetry:        c.Retry,
		DistanceRetry:   retryEvery,
		NumPerCall:      c.Batch,
		DistancePerCall: batchEvery,
		ExtSessionID:    c.Dedupe,
		AutoPause:       c.AutoPause,
	}
	if c.SendTime != nil {
		if c.SendTime.IsZero() {
			return request{}, errors.New("send time is the zero time")
		}
		ms := c.SendTime.UnixMilli()
		req.SendTime = &ms
	}
	if limits.NeedsContact && len(c.Contacts) == 0 {
		return request{}, errors.New("no contacts")
	}
	req.ContactInfo = make([]contact, len(c.Contacts))
	for i, ct := range c.Contacts {
		if ct.Phone == "" {
			return request{}, fmt.Errorf("contact %d: no phone", i+1)
		}
		vars, err := text(ct.Vars)
		if err != nil {
			return request{}, fmt.Errorf("contact %d (%s): %w", i+1, ct.Phone, err)
		}
		req.ContactInfo[i] = contact{Phone: sentPhone(ct.Phone), Email: ct.Email, ExtContactCode: ct.Code, MappingVariables: vars}
	}
	return req, nil
}

// sentPhone is a contact's phone as OMICall's examples write it: an E.164
// number of lang/platform's NationalRegion (the +84912345678 a caller id
// arrives as) in national form, 0912345678. Any other writing is the flow's
// choice and is sent as given: a national number, a number of another
// country (which has no national form OMICall could dial), spaced digits.
func sentPhone(p string) string {
	if limits.NationalRegion == "" || !phone.IsE164(p) || phone.Region(p) != limits.NationalRegion {
		return p
	}
	if n, err := phone.National(p); err == nil {
		return n
	}
	return p
}

// seconds is d in whole seconds, rounded up.
func seconds(d time.Duration) (int64, error) {
	if d < 0 {
		return 0, fmt.Errorf("%v is negative", d)
	}
	s := int64(d / time.Second)
	if d%time.Second != 0 {
		s++
	}
	return s, nil
}

// text turns mapping variables into the text OMICall's script variables hold.
func text(vars map[string]any) (map[string]string, error) {
	if len(vars) == 0 {
		return nil, nil
	}
	out := make(map[string]string, len(vars))
	for k, v := range vars {
		if v != nil {
			switch reflect.TypeOf(v).Kind() {
			case reflect.Map, reflect.Slice, reflect.Array:
				return nil, fmt.Errorf("variable %q: a %s is not text", k, reflect.TypeOf(v).Kind())
			}
		}
		out[k] = exprs.Text(v)
	}
	return out, nil
}

// FallbackCode is the error code of Fallback's answer.
const FallbackCode = "flow_unavailable"

// fallback is built once: it never changes.
var fallback = platform.ErrorBody(FallbackCode, "the call flow could not run for this trigger; no campaign was started")

// Fallback answers 503 with {"error":{"code":"flow_unavailable","message":…}}:
// nothing is sent. The options (8x8's apology) do not apply.
func (*Adapter) Fallback(*platform.Event, platform.FallbackOptions) platform.Reply {
	return platform.Reply{Status: http.StatusServiceUnavailable, Body: append([]byte(nil), fallback...)}
}
