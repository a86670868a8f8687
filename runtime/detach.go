package runtime

import "unsafe"

// An adapter may cut an event's strings out of the webhook's body instead
// of copying them (platform.Event; 8x8's does: a copy was a tenth of its
// decode). What the engine keeps after the webhook is copied out of the
// body here, at the two places an event's text reaches the session: the
// session's id and parties when the call starts, and a variable's value
// (captured digits, `set who = caller`). So a kept session neither pins a
// body of up to 64 KiB for the call's life, past what SessionSize counts,
// nor changes when an embedder reuses its buffer after Serve.

// inBody reports whether s lies in body's memory.
func inBody(body []byte, s string) bool {
	if len(s) == 0 || cap(body) == 0 {
		return false
	}
	p, start := uintptr(unsafe.Pointer(unsafe.StringData(s))), uintptr(unsafe.Pointer(unsafe.SliceData(body)))
	return p >= start && p-start < uintptr(cap(body))
}

// detach returns s, copied when it lies in body. The conversion is the
// runtime's: a one-byte string (a pressed key) is one of its static
// strings, with nothing allocated.
func detach(body []byte, s string) string {
	if !inBody(body, s) {
		return s
	}
	return string(unsafe.Slice(unsafe.StringData(s), len(s)))
}

// detachParties copies the strings a new session keeps from its event into one
// allocation, when any of them lies in body.
func detachParties(body []byte, ss ...*string) {
	n := 0
	for _, s := range ss {
		if inBody(body, *s) {
			n += len(*s)
		}
	}
	if n == 0 {
		return
	}
	buf := make([]byte, 0, n)
	for _, s := range ss {
		if inBody(body, *s) {
			start := len(buf)
			buf = append(buf, *s...)
			*s = unsafe.String(&buf[start], len(*s))
		}
	}
}

// detachValue returns v with every string in body copied out: a string, or
// one held in the lists and maps expressions build. Values without such a
// string are returned as they are, with nothing allocated.
func detachValue(body []byte, v any) any {
	if cap(body) == 0 || !sharesBody(body, v) {
		return v
	}
	switch x := v.(type) {
	case string:
		return detach(body, x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = detachValue(body, e)
		}
		return out
	case []string:
		out := make([]string, len(x))
		for i, e := range x {
			out[i] = detach(body, e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[detach(body, k)] = detachValue(body, e)
		}
		return out
	}
	return v
}

// sharesBody reports whether v holds a string in body, at any depth of
// the kinds detachValue copies.
func sharesBody(body []byte, v any) bool {
	switch x := v.(type) {
	case string:
		return inBody(body, x)
	case []any:
		for _, e := range x {
			if sharesBody(body, e) {
				return true
			}
		}
	case []string:
		for _, e := range x {
			if inBody(body, e) {
				return true
			}
		}
	case map[string]any:
		for k, e := range x {
			if inBody(body, k) || sharesBody(body, e) {
				return true
			}
		}
	}
	return false
}
