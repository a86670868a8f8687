// Package jsonscan reads the members of a JSON object without decoding the
// values nobody asked for. The adapters' fast paths use it on the webhooks
// every step of a call sends, where decoding a 500-byte body by reflection
// cost more than answering it.
//
// It does not validate: its input must be JSON already known to be valid
// (jsontext.Value.IsValid, which also rules out duplicate names and invalid
// UTF-8). On anything else it never panics, but what it yields is
// unspecified.
package jsonscan

import (
	"bytes"
	"iter"

	"github.com/go-json-experiment/json/jsontext"
)

// Scanner walks JSON objects member by member, skipping the values it is
// not asked for and entering the objects it is asked to, so each byte is
// looked at once.
type Scanner struct {
	b []byte
	i int
}

// NewScanner returns a Scanner at the start of b.
func NewScanner(b []byte) *Scanner { return &Scanner{b: b} }

// Enter moves into the object at the scanner's position (the whole input,
// or the value of the member Next just returned) and reports whether there
// was one. After Enter, Next returns the object's members.
func (s *Scanner) Enter() bool {
	i := skipSpace(s.b, s.i)
	if i >= len(s.b) || s.b[i] != '{' {
		return false
	}
	s.i = i + 1
	return true
}

// Next returns the name of the next member of the object the scanner is
// in, raw (with its quotes and escapes), and moves to its value, which the
// caller must then take with Value or Enter. At the end of the object it
// moves past it, to the rest of the object around it, and returns false.
func (s *Scanner) Next() (name []byte, ok bool) {
	i := skipSpace(s.b, s.i)
	if i < len(s.b) && s.b[i] == ',' {
		i = skipSpace(s.b, i+1)
	}
	if i >= len(s.b) || s.b[i] != '"' {
		if i < len(s.b) && s.b[i] == '}' {
			i++
		}
		s.i = i
		return nil, false
	}
	end := skipString(s.b, i)
	s.i = skipSpace(s.b, skipSpace(s.b, end)+1) // past the colon
	return s.b[i:end], true
}

// Value returns the raw value at the scanner's position and moves past it.
func (s *Scanner) Value() []byte {
	start := min(skipSpace(s.b, s.i), len(s.b))
	s.i = max(skipValue(s.b, start), start)
	return s.b[start:s.i]
}

// Members yields each member of the object obj as its name and value, both
// raw JSON. It yields nothing when obj is not an object.
func Members(obj []byte) iter.Seq2[[]byte, []byte] {
	return func(yield func(name, value []byte) bool) {
		s := Scanner{b: obj}
		if !s.Enter() {
			return
		}
		for name, ok := s.Next(); ok; name, ok = s.Next() {
			if !yield(name, s.Value()) {
				return
			}
		}
	}
}

// Kind is the kind of the raw JSON value v, as jsontext.Kind names them:
// '"', '0', '{', '[', 't', 'f', 'n'; 0 for none.
func Kind(v []byte) jsontext.Kind {
	i := skipSpace(v, 0)
	if i >= len(v) {
		return 0
	}
	switch c := v[i]; c {
	case '"', '{', '[', 't', 'f', 'n':
		return jsontext.Kind(c)
	}
	return '0'
}

// String returns the string the raw JSON string v holds; ok is false when v
// is another kind of value.
func String(v []byte) (s string, ok bool) {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return "", false
	}
	in := v[1 : len(v)-1]
	if bytes.IndexByte(in, '\\') < 0 {
		return string(in), true
	}
	out, err := jsontext.AppendUnquote(nil, v)
	return string(out), err == nil
}

// Name reports whether the raw member name is want, spelled without
// escapes. A name written with escapes never matches: callers that need it
// decode the object another way.
func Name(name []byte, want string) bool {
	return len(name) == len(want)+2 && string(name[1:len(name)-1]) == want
}

func skipSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// skipString returns the index after the string starting at b[i].
func skipString(b []byte, i int) int {
	start := i
	for {
		j := bytes.IndexByte(b[i+1:], '"')
		if j < 0 {
			return len(b)
		}
		i += 1 + j
		k := i - 1 // an even number of backslashes before the quote: it ends the string
		for k > start && b[k] == '\\' {
			k--
		}
		if (i-1-k)%2 == 0 {
			return i + 1
		}
	}
}

// skipValue returns the index after the value starting at b[i].
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return len(b)
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				i = skipString(b, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return len(b)
	}
	for ; i < len(b); i++ {
		switch b[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
	}
	return len(b)
}
