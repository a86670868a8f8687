package flowtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"

	"github.com/callflow/callflow/lang/ast"
)

// expectJSON checks the platform JSON of the last reply: against a golden
// file (`expect json "FILE"`), which must equal it, or against an object or
// list written inline (`expect json {…}`), which it must hold (jsonDiff).
func (t *tester) expectJSON(s *ast.Expect) *Failure {
	fail := failAt(s.At)
	if len(s.Args) == 0 {
		return fail("expect json: name a golden file, or write the JSON the reply holds: expect json {callflow: [{action: \"hangup\"}]}")
	}
	v, err := t.env.eval(s.Args[0])
	if err != nil {
		return fail("expect json: %v", err)
	}
	switch v := v.(type) {
	case string:
		return t.expectGolden(s, v)
	case map[string]any, []any:
		want, err := asJSON(v)
		if err != nil {
			return fail("expect json: %v", err)
		}
		have, got, fails := t.replyJSON()
		if fails != "" {
			return fail("expected json %s, got %s", s.Args[0].Text, fails)
		}
		opaqueToken(want, have)
		if where := jsonDiff("", want, have, true); where != "" {
			return fail("expected json %s to hold %s; the reply is %s", s.Args[0].Text, where, got)
		}
		return nil
	}
	return fail("expect json: want a golden file's name or an object or list, not %s", formatValue(v))
}

// expectGolden compares the reply with the golden file name, read beside
// the file holding the test; with WithUpdate, a missing or different file
// is written with the reply instead.
func (t *tester) expectGolden(s *ast.Expect, name string) *Failure {
	fail := failAt(s.At)
	file := path.Join(path.Dir(t.file.Name), name)
	golden, readErr := fs.ReadFile(t.cfg.fsys, file)
	if t.cfg.update != nil {
		if !fs.ValidPath(file) {
			return fail("expect json: %q lies outside the folder the flows were read from; --update writes only inside it", name)
		}
		if readErr != nil || t.goldenDiff(golden) != "" {
			if err := t.cfg.update(file, goldenOf(t.replyBody())); err != nil {
				return fail("expect json: cannot write %q: %v", name, err)
			}
			if !slices.Contains(t.cfg.updated, file) {
				t.cfg.updated = append(t.cfg.updated, file)
			}
		}
		return nil
	}
	if readErr != nil {
		_, got, _ := t.replyJSON()
		return fail("expect json: cannot read %q beside %s: %v; the reply is %s (callflow test --update writes it)", name, path.Base(t.file.Name), unwrapPath(readErr), got)
	}
	if where := t.goldenDiff(golden); where != "" {
		_, got, _ := t.replyJSON()
		return fail("expected json %q, got %s (%s)", name, got, where)
	}
	return nil
}

// goldenDiff describes how the last reply differs from a golden file, ""
// when it equals it. An empty golden file is a reply without a body.
func (t *tester) goldenDiff(golden []byte) string {
	body := t.replyBody()
	if len(bytes.TrimSpace(golden)) == 0 && len(body) == 0 {
		return ""
	}
	if !json.Valid(body) {
		// An answer that is not JSON (Twilio's TwiML) is compared as text.
		if string(bytes.TrimSpace(golden)) == string(bytes.TrimSpace(body)) {
			return ""
		}
		return "the golden file holds " + string(bytes.TrimSpace(golden))
	}
	var want any
	if err := json.Unmarshal(golden, &want); err != nil {
		return "the golden file is not JSON: " + err.Error()
	}
	have, _, fails := t.replyJSON()
	if fails != "" {
		return "the reply is " + fails
	}
	opaqueToken(want, have)
	return jsonDiff("", want, have, false)
}

// replyJSON decodes the last reply's body; got is the body compacted, for
// messages; fails says why there is no JSON to compare ("" when there is).
func (t *tester) replyJSON() (have any, got, fails string) {
	body := t.replyBody()
	if len(body) == 0 {
		got = "no body (HTTP " + strconv.Itoa(t.last.Reply.Status) + ")"
		return nil, got, got
	}
	var b bytes.Buffer
	if json.Compact(&b, body) != nil {
		return nil, string(body), string(body) + " (not JSON)"
	}
	got = b.String()
	if err := json.Unmarshal(body, &have); err != nil {
		return nil, got, got + " (not JSON: " + err.Error() + ")"
	}
	return have, got, ""
}

// goldenOf is what --update writes for a reply body: the JSON indented by
// two spaces with a final newline, or an empty file for no body.
func goldenOf(body []byte) []byte {
	if len(body) == 0 {
		return nil
	}
	var b bytes.Buffer
	if json.Indent(&b, body, "", "  ") != nil {
		return append(slices.Clone(body), '\n')
	}
	b.WriteByte('\n')
	return b.Bytes()
}

// asJSON is a value of a test expression as JSON would decode it: numbers
// as float64, times as their JSON text.
func asJSON(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("cannot be JSON: %v", err)
	}
	var out any
	return out, json.Unmarshal(b, &out)
}

// unwrapPath drops the path an fs error repeats.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// opaqueToken makes the 8x8 clientActionId count for its presence only: it
// is a signed token naming the flow's version, which changes with every
// edit of the flow or its tests.
func opaqueToken(want, have any) {
	w, ok1 := want.(map[string]any)
	h, ok2 := have.(map[string]any)
	if !ok1 || !ok2 {
		return
	}
	_, wok := w["clientActionId"].(string)
	_, hok := h["clientActionId"].(string)
	if wok && hok {
		w["clientActionId"], h["clientActionId"] = "", ""
	}
}

// jsonDiff describes the first difference between two decoded JSON values
// as `PATH: want W, got H`, "" when they match. PATH is the JSON path
// (callflow[0].params.text), or "the reply" at the top.
//
// With subset, want need only be part of have: an object matches an
// object holding at least its keys, each matching; fields it does not name
// are not compared. Without it (golden files), objects must have the same
// keys. Either way a list matches a list of the same length whose items
// match one by one, in order, and other values are equal (numbers by
// value). Keys are visited in sorted order, so the difference named is
// always the same one.
func jsonDiff(at string, want, have any, subset bool) string {
	name := at
	if name == "" {
		name = "the reply"
	}
	switch w := want.(type) {
	case map[string]any:
		h, ok := have.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: want an object, got %s", name, compact(have))
		}
		keys := make([]string, 0, len(w)+len(h))
		for k := range w {
			keys = append(keys, k)
		}
		if !subset {
			for k := range h {
				if _, ok := w[k]; !ok {
					keys = append(keys, k)
				}
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			sub := k
			if at != "" {
				sub = at + "." + k
			}
			wv, wok := w[k]
			hv, hok := h[k]
			switch {
			case !hok:
				return fmt.Sprintf("%s: want %s, got no such field", sub, compact(wv))
			case !wok:
				return fmt.Sprintf("%s: want no such field, got %s", sub, compact(hv))
			}
			if d := jsonDiff(sub, wv, hv, subset); d != "" {
				return d
			}
		}
		return ""
	case []any:
		h, ok := have.([]any)
		if !ok {
			return fmt.Sprintf("%s: want a list, got %s", name, compact(have))
		}
		for i := range min(len(w), len(h)) {
			if d := jsonDiff(fmt.Sprintf("%s[%d]", at, i), w[i], h[i], subset); d != "" {
				return d
			}
		}
		if len(w) != len(h) {
			return fmt.Sprintf("%s: want %s, got %d", name, items(len(w)), len(h))
		}
		return ""
	}
	// want is a string, number (float64), boolean or null here, as is a
	// have of the same kind: == compares them by value.
	if !isScalar(have) || want != have {
		return fmt.Sprintf("%s: want %s, got %s", name, compact(want), compact(have))
	}
	return ""
}

func items(n int) string {
	if n == 1 {
		return "1 item"
	}
	return strconv.Itoa(n) + " items"
}

func compact(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
