package jsonscan

import (
	"bytes"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

type member struct{ name, value string }

// reference reads the members of a valid object with jsontext's decoder.
func reference(t *testing.T, obj []byte) []member {
	t.Helper()
	dec := jsontext.NewDecoder(bytes.NewReader(obj))
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return nil
	}
	var out []member
	for dec.PeekKind() == '"' {
		name, err := dec.ReadValue()
		if err != nil {
			t.Fatal(err)
		}
		n := string(name)
		value, err := dec.ReadValue()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, member{n, string(value)})
	}
	return out
}

func scan(obj []byte) []member {
	var out []member
	for name, value := range Members(obj) {
		out = append(out, member{string(name), string(value)})
	}
	return out
}

func TestMembers(t *testing.T) {
	obj := []byte(` { "a" : "x\"}" , "b\\":{"c":[1,{"d":"]"}]},"e":-1.5e3,"f":null ,"g":true,"h":[],"i":"\\"}`)
	want := []member{{`"a"`, `"x\"}"`}, {`"b\\"`, `{"c":[1,{"d":"]"}]}`}, {`"e"`, `-1.5e3`}, {`"f"`, `null`},
		{`"g"`, `true`}, {`"h"`, `[]`}, {`"i"`, `"\\"`}}
	got := scan(obj)
	if len(got) != len(want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("member %d: got %q, want %q", i, got[i], want[i])
		}
	}
	if s, ok := String([]byte(`"x\"}"`)); !ok || s != `x"}` {
		t.Errorf("String = %q %v", s, ok)
	}
	if !Name([]byte(`"eventType"`), "eventType") || Name([]byte(`"event\u0054ype"`), "eventType") {
		t.Error("Name matches wrongly")
	}
}

// FuzzMembers checks Members and String against jsontext on valid
// objects, and that nothing panics on the rest.
func FuzzMembers(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1}`, `{"a":"\"","b":{"c":"}"}}`, `[1]`, `"x"`, `{"a":`, `{"\\":"\\\\"}`, ` {"x" : [ "y" , { } ] } `} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got := scan(b) // never panics, valid or not
		walk(NewScanner(b), 0)
		Kind(b)
		String(b)
		if !jsontext.Value(b).IsValid() {
			return
		}
		want := reference(t, b)
		if len(got) != len(want) {
			t.Fatalf("%s: got %q, want %q", b, got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%s: member %d is %q, want %q", b, i, got[i], want[i])
			}
			if Kind([]byte(want[i].value)) == '"' {
				var s string
				if err := jsonv2.Unmarshal([]byte(want[i].value), &s); err != nil {
					t.Fatal(err)
				}
				if g, ok := String([]byte(want[i].value)); !ok || g != s {
					t.Fatalf("String(%s) = %q %v, want %q", want[i].value, g, ok, s)
				}
			}
		}
	})
}

// Entering a member's object reads it in place; the outer object goes on
// after it.
func TestScannerEnter(t *testing.T) {
	s := NewScanner([]byte(`{"a":1,"p":{"x":"1","y":{"z":[]}},"b":"2"}`))
	if !s.Enter() {
		t.Fatal("not an object")
	}
	var got []string
	for name, ok := s.Next(); ok; name, ok = s.Next() {
		if Name(name, "p") && s.Enter() {
			for inner, ok := s.Next(); ok; inner, ok = s.Next() {
				got = append(got, "p."+string(inner)+"="+string(s.Value()))
			}
			continue
		}
		got = append(got, string(name)+"="+string(s.Value()))
	}
	want := []string{`"a"=1`, `p."x"="1"`, `p."y"={"z":[]}`, `"b"="2"`}
	if len(got) != len(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("got %q, want %q", got[i], want[i])
		}
	}
}

// walk enters every object, to check that nothing panics or loops.
func walk(s *Scanner, depth int) {
	if depth > 64 || !s.Enter() {
		s.Value()
		return
	}
	for _, ok := s.Next(); ok; _, ok = s.Next() {
		walk(s, depth+1)
	}
}
