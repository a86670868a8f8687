package platform

import (
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"testing"
)

// Form holds the query's parameters, then a form body's; a repeated name
// keeps every value in that order.
func TestInboundForm(t *testing.T) {
	u, _ := url.Parse("https://calls.example.com/hooks/x?Digits=1&resume=tok")
	in := &Inbound{URL: u, Header: http.Header{"Content-Type": {FormType + "; charset=utf-8"}}, Body: []byte("Digits=2&From=%2B65&Empty=")}
	f, err := in.Form()
	if err != nil {
		t.Fatal(err)
	}
	want := url.Values{"Digits": {"1", "2"}, "resume": {"tok"}, "From": {"+65"}, "Empty": {""}}
	if !reflect.DeepEqual(f, want) {
		t.Errorf("Form() = %v, want %v", f, want)
	}
	// A JSON body is not read as a form.
	in.Header.Set("Content-Type", "application/json")
	if f, _ := in.Form(); len(f["From"]) != 0 {
		t.Errorf("a JSON body was read as a form: %v", f)
	}
}

func TestInboundFormMalformed(t *testing.T) {
	for _, tt := range []struct {
		in    *Inbound
		field string
	}{
		{&Inbound{URL: &url.URL{RawQuery: "a=%zz"}, Header: http.Header{}}, "query"},
		{&Inbound{Header: http.Header{"Content-Type": {FormType}}, Body: []byte("a=%zz")}, "body"},
	} {
		_, err := tt.in.Form()
		var de *DecodeError
		if !errors.As(err, &de) || de.Field != tt.field {
			t.Errorf("Form() = %v, want a DecodeError naming %q", err, tt.field)
		}
	}
}

// ActionURL starts with the public base URL, path prefix included.
func TestInboundActionURL(t *testing.T) {
	base, _ := url.Parse("https://calls.example.com/cf/")
	in := &Inbound{Base: base}
	got := in.ActionURL("/hooks/x/menu", url.Values{"resume": {"a+b/c"}})
	if want := "https://calls.example.com/cf/hooks/x/menu?resume=a%2Bb%2Fc"; got != want {
		t.Errorf("ActionURL = %q, want %q", got, want)
	}
	if got := (&Inbound{}).ActionURL("/hooks/x", url.Values{"r": {"1"}}); got != "/hooks/x?r=1" {
		t.Errorf("ActionURL without a base = %q, want a relative URL", got)
	}
}

func TestHasMember(t *testing.T) {
	if !HasMember([]byte(`{"b":1}`), "a", "b") || HasMember([]byte(`{"c":1}`), "a") || HasMember([]byte(`[1]`), "a") || HasMember([]byte(`x`), "a") {
		t.Error("HasMember is wrong")
	}
}

// MAC is the HMAC keyed with the secret's value; an unset secret has none.
func TestSecretMAC(t *testing.T) {
	m := hmac.New(sha256.New, []byte("k3y"))
	m.Write([]byte("ab"))
	if got := NewSecret("k3y").MAC(sha256.New, []byte("a"), []byte("b")); !hmac.Equal(got, m.Sum(nil)) {
		t.Errorf("MAC = %x", got)
	}
	if NewSecret("").MAC(sha256.New, []byte("a")) != nil {
		t.Error("an unset secret has a MAC")
	}
}

// Form never panics; what it cannot read is a *DecodeError.
func FuzzInboundForm(f *testing.F) {
	f.Add("CallSid=CA1&Digits=1", "a=1&a=2", FormType)
	f.Add("%zz", "", "")
	f.Add("", "x=%", FormType+"; charset=utf-8")
	f.Fuzz(func(t *testing.T, query, body, ctype string) {
		in := &Inbound{URL: &url.URL{RawQuery: query}, Header: http.Header{"Content-Type": {ctype}}, Body: []byte(body)}
		if _, err := in.Form(); err != nil {
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Errorf("Form() = %v, not a DecodeError", err)
			}
		}
	})
}
