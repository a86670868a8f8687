package runtime

import (
	"bytes"
	"fmt"
	"testing"
	"unsafe"
)

// TestDetachValue copies out of the body exactly the strings that lie in
// it, at any depth of a variable's value, and leaves every other value as
// it is.
func TestDetachValue(t *testing.T) {
	body := []byte(`{"source":"+6591234567","dtmf":"9","order":"12345#"}`)
	cut := func(s string) string {
		i := bytes.Index(body, []byte(s))
		if i < 0 {
			t.Fatalf("%q is not in the body", s)
		}
		return unsafe.String(&body[i], len(s))
	}
	caller, key, order := cut("+6591234567"), cut("9"), cut("12345#")
	for _, v := range []any{
		caller, key, order, caller[3:],
		[]any{caller, 7, []any{order}},
		[]string{"x", caller},
		map[string]any{"from": caller, cut("dtmf"): key, "n": 1.5},
	} {
		got := detachValue(body, v)
		if fmt.Sprint(got) != fmt.Sprint(v) {
			t.Errorf("detachValue(%v) = %v", v, got)
		}
		if sharesBody(body, got) {
			t.Errorf("detachValue(%v) still lies in the body", v)
		}
	}
	for _, v := range []any{"+6591234567", nil, 42, []any{"a", 1}, map[string]any{"k": "v"}} {
		got := detachValue(body, v)
		if fmt.Sprint(got) != fmt.Sprint(v) || sharesBody(body, got) {
			t.Errorf("detachValue(%v) = %v", v, got)
		}
		if s, ok := v.(string); ok && unsafe.StringData(got.(string)) != unsafe.StringData(s) {
			t.Errorf("a string not in the body was copied: %q", s)
		}
	}
	if s := detachValue(nil, caller); unsafe.StringData(s.(string)) != unsafe.StringData(caller) {
		t.Error("a request without a body copied a string")
	}
}

// TestDetachParties cuts the strings a session keeps of its event that lie
// in the body from one allocation, and leaves the others.
func TestDetachParties(t *testing.T) {
	body := []byte(`"call-1" "+6591234567" "+6512345678"`)
	id, caller, callee := string(body[1:7]), unsafe.String(&body[10], 11), unsafe.String(&body[24], 11)
	id0 := id
	detachParties(body, &id, &caller, &callee)
	if id != "call-1" || caller != "+6591234567" || callee != "+6512345678" {
		t.Fatalf("got %q %q %q", id, caller, callee)
	}
	if inBody(body, caller) || inBody(body, callee) {
		t.Error("a party still lies in the body")
	}
	if unsafe.StringData(id) != unsafe.StringData(id0) {
		t.Error("the id, not in the body, was copied")
	}
	if unsafe.Pointer(unsafe.StringData(callee)) != unsafe.Add(unsafe.Pointer(unsafe.StringData(caller)), len(caller)) {
		t.Error("the parties were not cut from one allocation")
	}
}
