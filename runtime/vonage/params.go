package vonage

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/callflow/callflow/runtime/platform"
)

// parameters are a webhook's parameters, from a GET's query or a POST's
// JSON body, with the query's resume token beside them.
type parameters struct {
	raw    map[string]any // the webhook, the `event` of expressions
	resume any            // the resume token: the query's, else the body's
	call   any            // the call's uuid an eventUrl carries (CallParam), likewise
	seq    string         // the eventUrl's sequence mark; "" without a URL
}

// params reads in's parameters. A POST's body must be a JSON object; its
// query adds what the body lacks (the eventUrl's resume token). A GET's
// query parameters are strings, the first of each name.
func params(in *platform.Inbound) (*parameters, error) {
	var q url.Values
	if in.URL != nil {
		var err error
		if q, err = url.ParseQuery(in.URL.RawQuery); err != nil {
			return nil, &platform.DecodeError{Field: "query", Msg: "malformed: " + err.Error()}
		}
	}
	p := &parameters{raw: map[string]any{}}
	if in.Method != http.MethodGet || len(in.Body) > 0 {
		m, err := platform.DecodeObject(in.Body)
		if err != nil {
			return nil, err
		}
		p.raw = m
	}
	p.resume, p.call = p.raw[ResumeParam], p.raw[CallParam]
	if in.URL != nil {
		// Over HTTP these are the eventUrl's: a body cannot bring them.
		p.resume, p.call = nil, nil
		if vs := q[ResumeParam]; len(vs) > 0 {
			p.resume = vs[0]
		}
		if vs := q[CallParam]; len(vs) > 0 {
			p.call = vs[0]
		}
		p.seq = q.Get(SeqParam)
	}
	for k, vs := range q {
		if _, ok := p.raw[k]; !ok && len(vs) > 0 {
			p.raw[k] = vs[0]
		}
	}
	return p, nil
}

// str is the string parameter name; "" when absent or null.
func (p *parameters) str(name string) (string, error) {
	return str(name, p.raw[name])
}

func str(name string, v any) (string, error) {
	switch v := v.(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	default:
		return "", &platform.DecodeError{Field: name, Msg: "must be a string, not " + platform.JSONType(v)}
	}
}

// id is the id parameter name, checked for length; required says it must
// be there.
func (p *parameters) id(name string, required bool) (string, error) {
	s, err := p.str(name)
	if err != nil {
		return "", err
	}
	if s == "" && required {
		return "", &platform.DecodeError{Field: name, Msg: "is missing"}
	}
	return s, platform.CheckID(name, s)
}

// session is the call an eventUrl's webhook is about: the uuid the URL
// carries (a connect's events name the bridged leg, a recording's none;
// the resume token is bound to this uuid, so another is refused), else
// the webhook's own uuid.
func (p *parameters) session() (string, error) {
	call, err := str(CallParam, p.call)
	if err != nil {
		return "", err
	}
	if call == "" {
		return p.id("uuid", true)
	}
	return call, platform.CheckID(CallParam, call)
}

// digits are an input result's keys: dtmf.digits (the current form), or
// dtmf itself as a string (the older form, with a top-level timed_out);
// "" when nothing was entered, dtmf is absent (a speech result) or null.
func (p *parameters) digits() (string, error) {
	switch d := p.raw["dtmf"].(type) {
	case nil:
		return "", nil
	case string:
		return keys("dtmf", d)
	case map[string]any:
		switch v := d["digits"].(type) {
		case nil:
			return "", nil
		case string:
			return keys("dtmf.digits", v)
		default:
			return "", &platform.DecodeError{Field: "dtmf.digits", Msg: "must be a string, not " + platform.JSONType(v)}
		}
	default:
		return "", &platform.DecodeError{Field: "dtmf", Msg: "must be an object {digits, timed_out} or a string, not " + platform.JSONType(d)}
	}
}

// maxKeys is the most keys an entry can hold: Vonage's maxDigits is at
// most 20, and "#" may end it.
const maxKeys = 21

// keys checks an entry: keypad keys only, no longer than an entry can be.
func keys(field, s string) (string, error) {
	if len(s) > maxKeys {
		return "", &platform.DecodeError{Field: field, Msg: "is " + strconv.Itoa(len(s)) + " keys long; Vonage collects at most 20"}
	}
	for _, r := range s {
		if !isKey(r) {
			return "", &platform.DecodeError{Field: field, Msg: platform.Quote(s) + " holds " + strconv.QuoteRune(r) + ", not a keypad key (0-9, * and #)"}
		}
	}
	return s, nil
}

func isKey(r rune) bool { return r >= '0' && r <= '9' || r == '*' || r == '#' }
