package flowtest

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/exprs"
	"github.com/callflow/callflow/runtime/platform"
)

// campaignFieldNames are the fields `expect campaign {…}` may name: the
// campaign block's option words, and its name.
var campaignFieldNames = []string{"name", "script", "cid", "voice", "speed", "retry", "retry_every",
	"batch", "batch_every", "at", "dedupe", "auto_pause", "contacts"}

// campaignMatcher matches `expect campaign [NAME] [{FIELDS}]` (or
// `expect campaign {FIELDS}`): a campaign with that name whose fields hold
// FIELDS, as jsonDiff's subset. A campaign with the right name and other
// fields leaves the first difference in t.why.
func (t *tester) campaignMatcher(s *ast.Expect) (func(platform.Action) bool, string, error) {
	desc := "campaign"
	name, hasName := "", false
	fieldsX := s.Fields
	if len(s.Args) > 0 {
		v, err := t.env.eval(s.Args[0])
		if err != nil {
			return nil, "", err
		}
		if _, ok := v.(map[string]any); ok && fieldsX == nil {
			fieldsX = s.Args[0]
		} else {
			name, hasName = exprs.Text(v), true
			desc += " " + strconv.Quote(name)
		}
	}
	var want map[string]any
	if fieldsX != nil {
		var err error
		if want, err = t.campaignWant(fieldsX); err != nil {
			return nil, "", err
		}
		desc += " " + fieldsX.Text
	}
	return func(a platform.Action) bool {
		c, ok := a.(platform.Campaign)
		if !ok || (hasName && c.Name != name) {
			return false
		}
		if want == nil {
			return true
		}
		have, err := asJSON(campaignFields(c))
		if err != nil {
			t.why = err.Error()
			return false
		}
		if d := jsonDiff("", any(want), have, true); d != "" {
			t.why = d
			return false
		}
		return true
	}, desc, nil
}

// campaignWant evaluates the fields map and writes durations and times the
// way campaignFields does, so "10m" equals 10m0s and a time equals the
// same instant in any zone.
func (t *tester) campaignWant(x *ast.Expr) (map[string]any, error) {
	v, err := t.env.eval(x)
	if err != nil {
		return nil, err
	}
	j, err := asJSON(v)
	if err != nil {
		return nil, err
	}
	want, ok := j.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("the fields must be a map, not %s", formatValue(v))
	}
	for _, k := range slices.Sorted(maps.Keys(want)) {
		if !slices.Contains(campaignFieldNames, k) {
			return nil, fmt.Errorf("a campaign has no field %q; its fields are %s", k, strings.Join(campaignFieldNames, ", "))
		}
	}
	for _, k := range []string{"retry_every", "batch_every"} {
		if s, ok := want[k].(string); ok {
			d, err := time.ParseDuration(s)
			if err != nil {
				return nil, fmt.Errorf("%s: %q is not a duration such as \"10m\"", k, s)
			}
			want[k] = d.String()
		}
	}
	if s, ok := want["at"].(string); ok {
		at, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return nil, fmt.Errorf("at: %q is not an RFC 3339 time such as 2026-11-23T10:00:00+07:00", s)
		}
		want["at"] = at.UTC().Format(time.RFC3339Nano)
	}
	return want, nil
}

// campaignFields are a campaign's fields by the campaign block's words:
// values as the flow computed them (a contact's phone before the national
// form OMICall is sent), intervals as Go durations (10m0s), at in UTC or
// null for now.
func campaignFields(c platform.Campaign) map[string]any {
	m := map[string]any{"name": c.Name, "script": c.Script, "cid": c.CID, "voice": c.Voice, "speed": c.Speed,
		"retry": c.Retry, "retry_every": c.RetryEvery.String(), "batch": c.Batch, "batch_every": c.BatchEvery.String(),
		"at": nil, "dedupe": c.Dedupe, "auto_pause": c.AutoPause}
	if c.SendTime != nil {
		m["at"] = c.SendTime.UTC().Format(time.RFC3339Nano)
	}
	contacts := make([]any, len(c.Contacts))
	for i, ct := range c.Contacts {
		contacts[i] = map[string]any{"phone": ct.Phone, "email": ct.Email, "code": ct.Code, "vars": ct.Vars}
	}
	m["contacts"] = contacts
	return m
}
